"""The docs' tables, generated from the schema and the tables: every key of docs/configuration.md
and the profiles and methods of docs/methods.md, between a `<!-- generated: NAME -->` line and
an `<!-- end -->` line. `python -m imbalance_lab.cli.docs` rewrites them; a test holds the docs
to them, so a new method or key reaches the docs by this command, never by hand."""

from __future__ import annotations

import re
from pathlib import Path

from imbalance_lab.cli.help import default_values, owners
from imbalance_lab.config.schema import declared
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.imbalance.profiles import PROFILES
from imbalance_lab.setting import typed

ROOT = Path(__file__).resolve().parents[3]
DOCS = (ROOT / "docs" / "configuration.md", ROOT / "docs" / "methods.md")
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n).*?(<!-- end -->)", re.S)


def tables(conf_dir: Path) -> dict[str, str]:
    """Returns each generated table by its name: keys_<node> (top, imbalance, optim, data),
    profiles and methods."""
    values = default_values(conf_dir)
    keys = {
        node: [["key", "default", "allowed", "meaning"]]
        for node in ("top", "imbalance", "optim", "data")
    }
    for key, setting in declared().items():
        row = [
            f"`{key}`",
            f"`{typed(values[key])}`",
            str(setting.allowed),
            owners(key) + setting.meaning,
        ]
        keys[key.rpartition(".")[0] or "top"].append(row)
    profiles = [["profile", "counts n_c and minority set I", "reads"]]
    profiles += [[f"`{n}`", p.description, ", ".join(p.reads)] for n, p in PROFILES.items()]
    methods = [["method", "what it does", "settings (default)", "reference"]]
    for name, method in METHODS.items():
        settings = ", ".join(f"`{k}` ({typed(s.default)})" for k, s in method.settings.items())
        methods.append([f"`{name}`", method.description, settings, method.reference])
    named = {**{f"keys_{node}": rows for node, rows in keys.items()}, "profiles": profiles}
    return {name: _markdown(rows) for name, rows in {**named, "methods": methods}.items()}


def rewritten(text: str, generated: dict[str, str]) -> str:
    """Returns text with each generated block replaced by its table as generated now."""
    return BLOCK.sub(lambda m: f"{m[1]}{generated[m[2]]}\n{m[3]}", text)


def _markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join([lines[0], "| " + " | ".join("---" for _ in rows[0]) + " |", *lines[1:]])


if __name__ == "__main__":
    for path in DOCS:
        path.write_text(rewritten(path.read_text(), tables(ROOT / "conf")))
