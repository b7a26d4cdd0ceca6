"""The page `python train.py --help` prints instead of Hydra's generic one: how to run, the
config groups with their options, and every key with its default and its meaning.

The keys the schema declares (config/schema.py and the tables) are shown from their
declarations: default, meaning, what is allowed (--help cannot drift from the check). The keys
of the model, trainer, logger and launcher options are their files', each meaning the comment at
the end of its line (a node's comment covers its entries). No torch: train.py answers --help
before anything else.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from omegaconf import OmegaConf

from imbalance_lab.config.identity import flatten
from imbalance_lab.config.schema import declared
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.imbalance.profiles import PROFILES
from imbalance_lab.setting import typed

WIDTH = 100  # columns of the terminal the page is laid out for
MEANING_COLUMN = 34  # where meanings start; a longer key=value puts its meaning below it
USAGE = """\
usage: python train.py [key=value ...]      one run: the defaults below, changed by the overrides
       python train.py -m key=a,b [...]     a sweep: one job per combination of the values
       python train.py trainer=fast         a first smoke run: one short epoch on the CPU
       python train.py -m experiment=NAME   a named experiment: its sweep (options below)

Keys are typed with their full dotted path (imbalance.rho=100), a group's option by its name
(model=rnn); -m also takes range(1,4) and choice(a,b). A key that the chosen config does not
define stops the command before anything runs, as does a value that is not allowed.
Hydra's own flags (--cfg job, --info, ...): python train.py --hydra-help"""
KEY_LINE = re.compile(r"(?P<indent> *)(?P<key>[\w.-]+) *:(?P<rest>.*)")
SHORT = 200  # characters of a group option's description: three lines of the meaning column
REGISTERED = {"hydra/sweeper": "checked"}  # default options a plugin registers in code


def help_text(conf_dir: Path) -> str:
    """Returns the help page for the config in conf_dir, laid out for a 100-column terminal."""
    defaults = _defaults(conf_dir)
    groups = _groups(conf_dir)
    lines = [USAGE, "", "Config groups: group=option, * marks the default"]
    for group, options in groups.items():
        for option, path in options.items():
            marker = " *" if defaults.get(group) == option else ""
            lines += entry(f"{group}={option}{marker}", description(path.read_text()))
        if group in REGISTERED:
            lines += entry(f"{group}={REGISTERED[group]} *", "registered in code, no file in conf/")
    lines += [
        "",
        f"Keys: key=default (data={defaults['data']}'s where it sets one), meaning [allowed]",
    ]
    values = default_values(conf_dir)
    for key, setting in declared().items():
        meaning = f"{owners(key)}{setting.meaning} [{setting.allowed}]"
        lines += entry(f"{key}={typed(values[key])}", meaning)
    for group, options in groups.items():
        for option, path in options.items():
            shown = path.relative_to(conf_dir.parent).as_posix()
            lines += _option_keys(f"{group}={option}", shown, path, defaults.get(group) == option)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def default_values(conf_dir: Path) -> dict[str, object]:
    """Returns each declared key's default in the default config: the schema's, or the default
    data config's where it sets one (the spec, minority, n_max); ??? where none is given."""
    data = conf_dir / "data" / f"{_defaults(conf_dir)['data']}.yaml"
    values = flatten(OmegaConf.to_container(OmegaConf.load(data)))
    return {key: values.get(key, setting.default) for key, setting in declared().items()}


def owners(key: str) -> str:
    """Returns who reads an imbalance key ('ros, rus, two_phase: '), '' for the others."""
    node, _, name = key.partition(".")
    readers = [p for p, profile in PROFILES.items() if name in profile.reads]
    readers += [m for m, method in METHODS.items() if name in method.settings]
    return f"{', '.join(readers)}: " if node == "imbalance" and readers else ""


def description(text: str) -> str:
    """Returns the first sentence of a YAML file's opening comment (@package left out)."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("#").strip())
    words = " ".join(line for line in header if not line.startswith("@package"))
    # The first sentence: a full stop before a capital (not 'et al. 2018', not 'Fig. 4'); a
    # long one is cut after a clause, outside brackets (never inside a number: 1,618,026).
    sentence = re.split(r"(?<=\.)\s+(?=[A-Z])", words, maxsplit=1)[0]
    if len(sentence) <= SHORT:
        return sentence
    depth = [sentence[:i].count("(") - sentence[:i].count(")") for i in range(SHORT)]
    cuts = [
        i for i in range(SHORT - 1) if sentence[i : i + 2] in (", ", ": ", "; ") and not depth[i]
    ]
    return f"{sentence[: cuts[-1] + 1]} ..." if cuts else sentence


def key_comments(text: str) -> dict[str, str]:
    """Returns {dotted key: meaning} of a YAML file: the comment at the end of a key's line (a
    # after a space, outside quotes); a node's comment also covers the keys below it."""
    meanings: dict[str, str] = {}
    path: list[tuple[int, str]] = []  # (indent, key) of the mappings the line is in
    for line in text.splitlines():
        match = KEY_LINE.fullmatch(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        indent = len(match["indent"])
        path = [(i, k) for i, k in path if i < indent] + [(indent, match["key"])]
        key, parent = ".".join(k for _, k in path), ".".join(k for _, k in path[:-1])
        rest = re.sub(r"""(['"]).*?\1""", "", match["rest"])  # a quoted # is no comment
        comment = rest.partition(" #")[2].strip() if " #" in rest else ""
        meanings[key] = comment or meanings.get(parent, "")
    return meanings


def entry(label: str, meaning: str) -> list[str]:
    """Returns the lines of one `  label   meaning` entry, the meaning wrapped in its column
    (between words only: a number or a name with a hyphen is never cut)."""
    wrap = textwrap.TextWrapper(
        WIDTH - MEANING_COLUMN, break_long_words=False, break_on_hyphens=False
    )
    wrapped, first, indent = wrap.wrap(meaning) or [""], f"  {label}", " " * MEANING_COLUMN
    if len(first) + 2 > MEANING_COLUMN:
        return [first, *(indent + part for part in wrapped if part)]
    return [first.ljust(MEANING_COLUMN) + wrapped[0], *(indent + part for part in wrapped[1:])]


def _defaults(conf_dir: Path) -> dict[str, str]:
    """Returns the option that train.yaml's defaults list chooses for each group."""
    entries = OmegaConf.to_container(OmegaConf.load(conf_dir / "train.yaml"))["defaults"]
    pairs = [next(iter(e.items())) for e in entries if isinstance(e, dict)]
    return {group.removeprefix("override ").strip(): option for group, option in pairs if option}


def _groups(conf_dir: Path) -> dict[str, dict[str, Path]]:
    """Returns each config group (a folder of YAML files, hydra/... included) with its
    options, the default's groups first."""
    folders = [p for p in [*conf_dir.glob("*"), *conf_dir.glob("*/*")] if p.is_dir()]
    defaults, groups = _defaults(conf_dir), {}
    for folder in folders:
        group = folder.relative_to(conf_dir).as_posix()
        options = sorted(
            folder.glob("*.yaml"), key=lambda y: (y.stem != defaults.get(group), y.stem)
        )
        groups[group] = {path.stem: path for path in options}
    return {g: groups[g] for g in dict.fromkeys([*defaults, *sorted(groups)]) if groups.get(g)}


def _option_keys(choice: str, shown: str, path: Path, default: bool) -> list[str]:
    """Returns the heading and entries of the keys an option file of a group sets (none for a
    global file: the data sets' keys are the schema's, the experiments' are grids)."""
    text = path.read_text()
    content = OmegaConf.to_container(OmegaConf.load(path)) or {}
    if "@package _global_" in text.split("\n", 1)[0]:
        return []
    bases = [b for b in content.pop("defaults", []) if isinstance(b, str) and b != "_self_"]
    meanings = {}
    for base in bases:  # a key without its own comment takes the base option's (fast on default)
        base_path = path.with_name(f"{base}.yaml")
        meanings.update(key_comments(base_path.read_text()) if base_path.is_file() else {})
    meanings.update({k: v for k, v in key_comments(text).items() if v})
    group = choice.partition("=")[0]
    heading = f"{choice}{' (the default)' * default}, {shown}"
    lines = ["", heading + "".join(f", on top of {group}={base}" for base in bases) + ":"]
    prefix = group.replace("/", ".")
    for key, value in flatten(content).items():
        lines += entry(f"{prefix}.{key}={typed(value)}", meanings.get(key, ""))
    return lines
