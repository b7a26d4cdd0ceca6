"""The docs' tables are generated from the schema and the tables: docs/configuration.md's keys and
docs/methods.md's profiles and methods are what `python -m imbalance_lab.cli.docs` writes, and no
doc lists the methods by hand."""

import re

from imbalance_lab.cli.docs import BLOCK, DOCS, rewritten, tables
from imbalance_lab.imbalance.methods import METHODS

from helpers import ROOT


def test_the_docs_tables_are_the_ones_generated_from_the_schema():
    generated = tables(ROOT / "conf")
    for path in DOCS:
        text = path.read_text()
        names = re.findall(r"<!-- generated: (\w+) -->", text)
        assert names, f"{path.name} has no generated table"
        assert rewritten(text, generated) == text, (
            f"{path.name}: run python -m imbalance_lab.cli.docs"
        )
    assert set(generated) == {
        *(f"keys_{node}" for node in ("top", "imbalance", "optim", "data")),
        "profiles",
        "methods",
    }


def test_every_method_has_its_row_and_no_doc_lists_them_by_hand():
    methods_table = tables(ROOT / "conf")["methods"]
    assert all(f"| `{name}` |" in methods_table for name in METHODS)
    listed = re.compile(r"`?" + r"`?,? `?".join(list(METHODS)[:4]))  # none, ros, rus, sqrt
    for path in sorted((ROOT / "docs").glob("*.md")):
        by_hand = BLOCK.sub("", path.read_text())
        assert not listed.search(by_hand), f"{path.name} lists the methods by hand"
