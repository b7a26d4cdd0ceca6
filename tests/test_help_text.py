"""help_text: the page `python train.py --help` prints lists every group option with its
description, every key the schema declares with its default, meaning and allowed values, and
every key of the option files with its value and its comment; key_comments: which YAML comment
is a key's meaning."""

import re

import yaml
from omegaconf import OmegaConf

from imbalance_lab.cli.help import MEANING_COLUMN, WIDTH, description, help_text, key_comments
from imbalance_lab.config.schema import declared

from helpers import ROOT, compose_config

CONF = ROOT / "conf"
# Groups whose options are listed key by key: every folder of options but the global ones (the
# data sets, whose keys are the schema's, and the experiments: listed with their description).
KEYED_GROUPS = sorted(
    folder.relative_to(CONF).as_posix()
    for folder in CONF.glob("**/")
    if folder != CONF and any(folder.glob("*.yaml")) and folder.name not in ("experiment", "data")
)


def sections(page: str) -> dict[str, dict[str, list[str]]]:
    """Returns {section: {key: [value as typed, meaning]}} read back from the page: a section
    starts at an unindented line (`model=rnn, conf/model/rnn.yaml:` is section model=rnn), an
    entry at a line indented by 2, its meaning goes on in lines indented to MEANING_COLUMN."""
    found: dict[str, dict[str, list[str]]] = {}
    entries: dict[str, list[str]] = {}
    entry = None
    for line in page.splitlines():
        if line and not line.startswith(" "):
            entries = found.setdefault(line.split(",")[0].split(" ")[0].rstrip(":"), {})
            entry = None
        elif re.match(r"  \S", line):
            label, *meaning = re.split(r" {2,}", line[2:].rstrip(), maxsplit=1)
            key, _, value = label.partition("=")
            entry = entries[key] = [value, "".join(meaning)]
        elif line.startswith(" " * MEANING_COLUMN) and entry is not None:
            entry[1] = f"{entry[1]} {line.strip()}".strip()
    return found


def default_options() -> dict[str, str]:
    """Returns train.yaml's default option of each group that has one."""
    entries = OmegaConf.to_container(OmegaConf.load(CONF / "train.yaml"))["defaults"]
    return {k: v for e in entries if isinstance(e, dict) for k, v in e.items() if v is not None}


def leaves(node, prefix=""):
    """Returns {dotted key: value} of a plain dict's leaves."""
    if not isinstance(node, dict):
        return {prefix: node}
    return {
        key: value
        for name, child in node.items()
        for key, value in leaves(child, f"{prefix}.{name}" if prefix else name).items()
    }


def test_every_key_of_the_default_config_has_its_default_and_a_meaning():
    page = sections(help_text(CONF))
    defaults = default_options()
    config = OmegaConf.to_container(compose_config([], tiny=False))
    for key, value in leaves(config).items():
        group = key.split(".")[0]
        section = f"{group}={defaults[group]}" if key not in declared() else "Keys"
        assert key in page[section], f"{key} is not under {section}"
        shown, meaning = page[section][key]
        assert yaml.safe_load(shown) == value, key
        assert meaning, f"{key} has no meaning"


def test_every_declared_key_shows_its_meaning_and_what_is_allowed():
    page = sections(help_text(CONF))["Keys"]
    for key, setting in declared().items():
        meaning = page[key][1]
        assert setting.meaning in meaning and meaning.endswith(f"[{setting.allowed}]"), key
    # Who reads a method's or a profile's key is said from the tables.
    assert page["imbalance.inv_rho"][1].startswith("ros, rus, two_phase: ")
    assert page["imbalance.mu"][1].startswith("step: ")


def test_every_key_of_every_group_option_has_its_value_and_a_meaning():
    page = sections(help_text(CONF))
    files = 0
    for group in KEYED_GROUPS:
        for path in sorted((CONF / group).glob("*.yaml")):
            content = OmegaConf.to_container(OmegaConf.load(path))
            content.pop("defaults", None)
            section = page[f"{group}={path.stem}"]
            for key, value in leaves(content, group.replace("/", ".")).items():
                shown, meaning = section[key]
                assert yaml.safe_load(shown) == value, key
                assert meaning, f"{key} of {path.name} has no comment"
            files += 1
    assert {"model", "trainer", "logger", "hydra/launcher"} <= set(KEYED_GROUPS)
    assert files >= 10


def test_groups_list_their_options_with_descriptions_and_mark_the_default():
    text = help_text(CONF)
    assert re.search(r"^  model=cnn \*  +Two 3x3 convolutions", text, re.M)
    assert re.search(r"^  model=rnn  +The image rows", text, re.M)
    assert re.search(r"^  data=mnist \*  +MNIST: 60,000 training", text, re.M)
    for path in sorted((CONF / "experiment").glob("*.yaml")):
        first_line = description(path.read_text())
        assert first_line and not first_line.startswith("@package")
        words = " ".join(first_line.split()[:4])
        assert re.search(rf"^  experiment={path.stem}  +{re.escape(words)}", text, re.M)


def test_the_hydra_node_and_experiment_keys_are_not_listed():
    keys = {key for entries in sections(help_text(CONF)).values() for key in entries}
    assert not {key for key in keys if key.startswith(("hydra.run.", "hydra.sweep.", "hydra.job."))}
    assert "hydra.launcher.n_jobs" in keys  # hydra/launcher=parallel is a group option
    assert "experiment" not in sections(help_text(CONF))


def test_the_page_fits_the_terminal_and_starts_with_usage():
    text = help_text(CONF)
    assert text.startswith("usage: python train.py")
    assert "trainer=fast" in text.split("\n\n")[0] and "-m" in text.split("\n\n")[0]
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_no_line_is_cut_inside_a_number_or_a_hyphenated_word():
    # textwrap broke 'smoke-sized' at its hyphen, and a description cut at its file's first
    # line ended in '1,618,026 ...', the number's meaning on the line not shown.
    lines = help_text(CONF).splitlines()
    for line, following in zip(lines, lines[1:], strict=False):
        if following.startswith(" " * MEANING_COLUMN) and following.strip():
            assert not re.search(r"\w-$", line), line
    assert not [line for line in lines if re.search(r"\d ...$", line)]
    page = " ".join(line.strip() for line in lines)
    assert "(256, classes): 1,618,026 parameters on MNIST" in page
    assert "(smoke-sized: the report warns)" in page


def test_a_meaning_is_the_comment_at_the_end_of_its_line_or_its_nodes():
    text = """\
# The file's description, not a's meaning.
a: 1        # a's own
b: 2
d: "x # not a comment"  # d's own
node:       # covers its entries
  inner: 4  # inner meaning
  deep: [1, 2]
"""
    assert key_comments(text) == {
        "a": "a's own",
        "b": "",
        "d": "d's own",
        "node": "covers its entries",
        "node.inner": "inner meaning",
        "node.deep": "covers its entries",
    }


def test_description_is_the_first_sentence_cut_after_a_clause_when_long():
    assert description("# @package _global_\n# One line\n# goes on. More.\nx: 1\n") == (
        "One line goes on."
    )
    assert description("# Buda et al. 2018 on (Fig. 4). Next.\n") == "Buda et al. 2018 on (Fig. 4)."
    long = "# " + "word, " * 40 + "end (a, b, c).\nx: 1\n"
    assert description(long).endswith(", ...") and len(description(long)) <= 205
    assert description("x: 1  # no header\n") == ""
