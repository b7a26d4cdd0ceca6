"""The page `python train.py --help` prints instead of Hydra's generic one: how to run, the
config groups with their options, and every key with its default and its meaning.

Everything comes from the conf folder, so the page cannot drift from it: values through
OmegaConf, meanings from the YAML comments. YAML loaders drop comments, hence the small line
parser here (key_comments). Imports no torch: the command line calls it before anything else.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from omegaconf import OmegaConf

from imbalance_lab.cli.conf_files import (
    PRIMARY,
    default_choices,
    find_option,
    group_dirs,
    group_options,
    leaf_values,
    package_prefix,
)

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

# `key: value  # comment` in a block mapping; list items (`- x`) and flow lines do not match.
KEY_LINE = re.compile(r"(?P<indent> *)(?P<key>[\w.-]+) *:(?=\s|$)")
COMMENT_START = re.compile(r"\s#")  # YAML: a comment starts at a # after whitespace


def description(text: str) -> str:
    """Returns the first comment line of a YAML file (an `@package` line skipped), or ''; with
    ' ...' where it stops mid-sentence and the file's opening comment goes on."""
    header = [_comment_text(line) for line in text.splitlines()[: _after_header(text.splitlines())]]
    lines = [line for line in header if line and not line.startswith("@package")]
    if not lines:
        return ""
    return lines[0] + (" ..." if len(lines) > 1 and not lines[0].endswith(".") else "")


def key_comments(text: str) -> dict[str, str]:
    """Returns {dotted key: meaning} of a YAML file's commented keys. The meaning is the
    trailing `# ...` on the key's line, continued by the comment-only lines below whose # is
    in the same column; without one, the comment lines directly above the key. The file's
    opening comment block describes the file, not its first key."""
    lines = text.splitlines()
    meanings: dict[str, str] = {}
    enclosing: list[tuple[int, str]] = []  # (indent, key) of the mappings the line is in
    above: list[str] = []
    position = _after_header(lines)
    while position < len(lines):
        line = lines[position]
        position += 1
        match = KEY_LINE.match(line)
        if line.lstrip().startswith("#"):
            above.append(_comment_text(line))
            continue
        if match is None:  # a blank line, a list item, a flow list's next line
            above = []
            continue
        indent = len(match["indent"])
        while enclosing and enclosing[-1][0] >= indent:
            enclosing.pop()
        enclosing.append((indent, match["key"]))
        key = ".".join(name for _, name in enclosing)
        trailing = _trailing_comment(line, match.end())
        if trailing is None:
            meaning = " ".join(above)
        else:
            column, parts = trailing
            while position < len(lines) and _comment_column(lines[position]) == column:
                parts.append(_comment_text(lines[position]))
                position += 1
            meaning = " ".join(parts)
        if meaning:
            meanings[key] = meaning
        above = []
    return meanings


def help_text(conf_dir: Path) -> str:
    """Returns the help page for the config in conf_dir, laid out for a 100-column terminal."""
    groups = group_dirs([conf_dir])
    defaults = default_choices(conf_dir)
    order = [g for g in defaults if g in groups] + sorted(g for g in groups if g not in defaults)
    without_default = ", ".join(g for g in order if g not in defaults)
    lines = [
        USAGE,
        "",
        f"Config groups: group=option, * marks the default (none: {without_default})",
    ]
    for group in order:
        options = _default_first(group_options(groups[group]), defaults.get(group))
        if group in defaults and defaults[group] not in options:
            # e.g. hydra/sweeper=checked: a config node that a plugin registers in code
            lines += _entry(
                f"{group}={defaults[group]} *", "registered in code, not a file in conf/"
            )
        for option in options:
            marker = " *" if defaults.get(group) == option else ""
            text = find_option(groups[group], option).read_text()
            lines += _entry(f"{group}={option}{marker}", description(text))
    lines += [
        "",
        "Keys: key=default, then its meaning; any of them can be set on the command line.",
    ]
    lines += _primary_keys(conf_dir)
    for group in order:
        for option in _default_first(group_options(groups[group]), defaults.get(group)):
            lines += _option_keys(conf_dir, group, option, groups[group], defaults.get(group))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def typed(value: object) -> str:
    """Returns a value as it is typed on the command line (null, true, [0,1], 'a b')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(typed(item) for item in value) + "]"
    text = str(value)
    plain = text and not re.search(r"[\s,=\[\]'\"]", text) and text not in ("null", "true", "false")
    return text if plain or not isinstance(value, str) else repr(text)


def _primary_keys(conf_dir: Path) -> list[str]:
    """Returns the entries of train.yaml's own keys (its defaults list and hydra node left out)."""
    path = conf_dir / PRIMARY
    content = OmegaConf.to_container(OmegaConf.load(path))
    values = leaf_values({k: v for k, v in content.items() if k not in ("defaults", "hydra")})
    meanings = key_comments(path.read_text())
    lines = ["", f"{_shown(path, conf_dir)}:"]
    for key, value in values.items():
        lines += _entry(f"{key}={typed(value)}", _meaning_of(key, meanings))
    return lines


def _option_keys(
    conf_dir: Path, group: str, option: str, folders: list[Path], default: str | None
) -> list[str]:
    """Returns the heading and entries of the keys an option file sets itself; a key without
    a comment takes its meaning from the option it builds on (trainer=fast on default)."""
    path = find_option(folders, option)
    prefix = package_prefix(path, group)
    if not prefix:
        return []  # a global package (the experiments): listed with its description only
    content = OmegaConf.to_container(OmegaConf.load(path)) or {}
    bases = [e for e in content.pop("defaults", []) if isinstance(e, str) and e != "_self_"]
    heading = f"{group}={option}{' (the default)' if option == default else ''}"
    heading += f", {_shown(path, conf_dir)}"
    heading += "".join(f", on top of {group}={base}" for base in bases)
    meanings = _meanings(path, folders, prefix)
    lines = ["", f"{heading}:"]
    for key, value in leaf_values(content, prefix).items():
        lines += _entry(f"{key}={typed(value)}", _meaning_of(key, meanings))
    return lines


def _meanings(path: Path, folders: list[Path], prefix: str) -> dict[str, str]:
    """Returns {dotted key: meaning} of an option file, its bases' meanings underneath."""
    content = OmegaConf.to_container(OmegaConf.load(path)) or {}
    meanings: dict[str, str] = {}
    for base in content.get("defaults", []):
        base_path = find_option(folders, base) if isinstance(base, str) else None
        if base_path is not None and base_path != path:
            meanings.update(_meanings(base_path, folders, prefix))
    own = key_comments(path.read_text())
    meanings.update({f"{prefix}.{key}": meaning for key, meaning in own.items()})
    return meanings


def _entry(label: str, meaning: str) -> list[str]:
    """Returns the lines of one `  label   meaning` entry, the meaning wrapped in its column."""
    wrapped = textwrap.wrap(meaning, WIDTH - MEANING_COLUMN) or [""]
    indent = " " * MEANING_COLUMN
    first = f"  {label}"
    if len(first) + 2 > MEANING_COLUMN:
        return [first, *(indent + part for part in wrapped if part)]
    return [first.ljust(MEANING_COLUMN) + wrapped[0], *(indent + part for part in wrapped[1:])]


def _meaning_of(key: str, meanings: dict[str, str]) -> str:
    """Returns the key's meaning, else that of the closest node above it that has one (a
    comment on a mapping describes its entries), else ''."""
    while key and key not in meanings:
        key = key.rpartition(".")[0]
    return meanings.get(key, "")


def _default_first(options: list[str], default: str | None) -> list[str]:
    """Returns the options with the default one first."""
    return sorted(options, key=lambda option: option != default)


def _shown(path: Path, conf_dir: Path) -> str:
    """Returns path as shown on the page: relative to the folder above conf/ (conf/...)."""
    return path.relative_to(conf_dir.parent).as_posix()


def _after_header(lines: list[str]) -> int:
    """Returns the index of the first line after the file's opening comment block."""
    return next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))


def _trailing_comment(line: str, start: int) -> tuple[int, list[str]] | None:
    """Returns (column of the #, [its text]) of the comment after a key's value, or None. A
    quoted value is skipped first: its # is no comment."""
    value = line[start:].lstrip()
    if value[:1] in ("'", '"'):
        start = line.find(value[0], line.index(value[0], start) + 1) + 1 or len(line)
    found = COMMENT_START.search(line, start - 1)
    return None if found is None else (found.start() + 1, [_comment_text(line[found.start() :])])


def _comment_column(line: str) -> int | None:
    """Returns the column of the # of a comment-only line, or None for any other line."""
    stripped = line.lstrip()
    return len(line) - len(stripped) if stripped.startswith("#") else None


def _comment_text(comment: str) -> str:
    """Returns a comment's text without its # and surrounding spaces."""
    return comment.strip().removeprefix("#").strip()
