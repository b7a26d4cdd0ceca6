"""Checks the command line's overrides against the keys and group options the project defines,
before Hydra composes anything: a typo such as `+imbalance.rh=100` stops the run with one line
instead of training the default (Hydra accepts any key given a `+`), and `+trainer.max_epoch=5`
stops with a suggestion instead of a traceback from inside Lightning.

Hydra checks its own keys (`hydra.*`, `hydra/...`); values are checked after composition
(run/config_check.py). The conf folder is read as files here (OmegaConf, no Hydra composition),
so the check costs milliseconds; Lightning is imported only when a `trainer.*` key is checked.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import sys
from collections.abc import Iterable
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, ValueType
from hydra.errors import OverrideParseException
from omegaconf import OmegaConf

from imbalance_lab.cli.conf_files import (
    PRIMARY,
    default_choices,
    find_option,
    group_dirs,
    group_options,
    leaf_values,
    option_values,
)
from imbalance_lab.errors import ConfigError

HELP_FLAGS = ("-h", "--help")
# Hydra's flags whose value is the next argument (argparse also takes --flag=value).
VALUE_FLAGS = ("-c", "--cfg", "-p", "--package")
# Flags after which the arguments are not overrides of this config: another primary config
# (or search path), a rerun from a pickle, shell completion (`-sc install=bash`).
UNCHECKED_FLAGS = (
    *("-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"),
    *("--experimental-rerun", "-sc", "--shell-completion"),
)
INFO_FLAGS = ("-i", "--info")  # its value is optional: only one of INFO_CHOICES is taken
INFO_CHOICES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
# Only the project's sweeper reads the experiments' hydra.sweeper.grids.
GRID_SWEEPER = "checked"


class UnknownKeyError(ConfigError):
    """An override names a key that the chosen config does not define; str() is one line."""

    def __init__(self, key: str, value: object, message: str):
        super().__init__(key, value, message)
        self.args = (message,)  # ConfigError's "is not allowed" format does not fit here


def wants_help(argv: Iterable[str]) -> bool:
    """Returns whether argv asks for the project's help page (-h, --help; not --hydra-help)."""
    return any(arg in HELP_FLAGS for arg in argv)


def check_overrides(overrides: list[str], conf_dir: Path) -> None:
    """Returns None when every override names a key or group option the project defines;
    raises ConfigError (UnknownKeyError for keys) for the first one that does not."""
    arguments = _override_arguments(overrides)
    if arguments is None:
        return
    parser = OverridesParser.create()
    every = [o for o in (_parse(parser, a) for a in arguments) if o is not None]
    parsed = [o for o in every if not o.is_hydra_override()]
    hydra_parsed = [o for o in every if o.is_hydra_override()]
    groups = group_dirs([conf_dir, *_searchpath_dirs(hydra_parsed)])
    # With a wider search path an option Hydra can find may lie where we cannot look (pkg://).
    lenient = any(o.key_or_group == "hydra.searchpath" for o in hydra_parsed)
    chosen = _chosen_options(parsed, groups, conf_dir)
    primary = OmegaConf.to_container(OmegaConf.load(conf_dir / PRIMARY))
    primary_keys = _with_parents(
        leaf_values({k: v for k, v in primary.items() if k not in ("defaults", "hydra")})
    )
    for override in parsed:
        if override.key_or_group in groups:
            _check_option(override, groups[override.key_or_group], conf_dir, lenient)
        else:
            _check_key(override, primary_keys, chosen, groups)
    _check_sweeper(hydra_parsed, chosen.get("experiment") or [])


def _override_arguments(argv: list[str]) -> list[str] | None:
    """Returns the arguments of argv that are overrides (flags and their values left out), or
    None after a flag that makes them something else (UNCHECKED_FLAGS)."""
    arguments, skip_next = [], False
    for position, arg in enumerate(argv):
        if skip_next:
            skip_next = False
        elif arg.split("=")[0] in UNCHECKED_FLAGS:
            return None
        elif arg.startswith("-"):
            following = argv[position + 1] if position + 1 < len(argv) else None
            skip_next = arg in VALUE_FLAGS or (arg in INFO_FLAGS and following in INFO_CHOICES)
        else:
            arguments.append(arg)
    return arguments


def _parse(parser: OverridesParser, argument: str) -> Override | None:
    """Returns the parsed override, or None where Hydra's grammar refuses it (Hydra reports it)."""
    try:
        return parser.parse_overrides([argument])[0]
    except OverrideParseException:
        return None


def _searchpath_dirs(hydra_overrides: list[Override]) -> list[Path]:
    """Returns the file:// folders that a hydra.searchpath override adds (pkg:// ones are not
    followed: a group option not found is then left to Hydra)."""
    entries = [o.value() for o in hydra_overrides if o.key_or_group == "hydra.searchpath"]
    flat = [e for value in entries for e in (value if isinstance(value, list) else [value])]
    return [Path(e.removeprefix("file://")) for e in flat if str(e).startswith("file://")]


def _option_names(override: Override) -> list[str] | None:
    """Returns the options a group override chooses ([] for none, None where only Hydra can
    enumerate them: glob(...))."""
    if override.is_delete() or override.value() is None:
        return []
    if override.value_type in (ValueType.CHOICE_SWEEP, ValueType.SIMPLE_CHOICE_SWEEP):
        return [str(option) for option in override.value().list]
    if override.is_sweep_override():
        return None
    value = override.value()
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _chosen_options(
    parsed: list[Override], groups: dict[str, list[Path]], conf_dir: Path
) -> dict[str, list[str] | None]:
    """Returns each group's chosen options: the command line's, else train.yaml's default;
    None where only Hydra can enumerate them (glob): that group's keys go unchecked.
    (An experiment's `override /group: option` is not followed: none of them has one.)"""
    chosen: dict[str, list[str] | None] = {g: [o] for g, o in default_choices(conf_dir).items()}
    for override in parsed:
        if override.key_or_group in groups and not override.is_delete():
            chosen[override.key_or_group] = _option_names(override)
    return chosen


def _check_option(override: Override, folders: list[Path], conf_dir: Path, lenient: bool) -> None:
    """Raises ConfigError when a group override chooses an option with no file."""
    available = group_options(folders)
    for option in _option_names(override) or []:
        if option not in available and not lenient:
            # (Not lenient: no search path but conf/, so the options are its files.)
            where = f"{conf_dir.name}/{override.key_or_group}/*.yaml"
            raise ConfigError(
                override.key_or_group, option, f"one of {', '.join(available)} ({where})"
            )


def _check_key(
    override: Override,
    primary_keys: set[str],
    chosen: dict[str, list[str] | None],
    groups: dict[str, list[Path]],
) -> None:
    """Raises UnknownKeyError when the override's key is not defined by train.yaml or by the
    chosen options of its group (trainer: Lightning's Trainer arguments)."""
    key = override.key_or_group
    value = override.input_line.partition("=")[2] if override.input_line else None
    group, _, below = key.partition(".")
    if key in primary_keys or (group in chosen and chosen[group] is None):
        return  # a key of train.yaml, or of options only Hydra can enumerate
    if not chosen.get(group) or group not in groups:
        close = _closest(key, primary_keys | _all_option_keys(groups, chosen))
        raise UnknownKeyError(key, value, f"{key} is not a config key{_did_you_mean(close)}")
    options = chosen[group]
    keys = {option: _option_keys(groups, group, option) for option in options}
    if None in keys.values():
        return  # an option only Hydra can find: it reports what is wrong
    having = [option for option in options if key in keys[option]]
    if group == "trainer" and (having or below.split(".")[0] in _trainer_arguments()):
        if not having and not (override.is_add() or override.is_force_add()):
            # A Trainer argument that no trainer file sets: Hydra would refuse it in 5 lines.
            raise UnknownKeyError(
                key,
                value,
                f"{key} is not set by trainer={','.join(options)}: add it with +{key}={value}",
            )
        return  # every trainer option takes every Trainer argument
    choice = ",".join(options)
    if not having:
        others = [
            f"{group}={option}"
            for option in group_options(groups[group])
            if option not in options and key in _option_keys(groups, group, option)
        ]
        hint = f" ({', '.join(others)} has it)" if others else ""
        known = set().union(*keys.values())
        if group == "trainer":
            known |= {f"trainer.{name}" for name in _trainer_arguments()}
        close = _closest(key, known | primary_keys)
        if group == "trainer" and not close:
            hint = hint or " (trainer.* are the arguments of pytorch_lightning.Trainer)"
        hint = hint or _did_you_mean(close)
        raise UnknownKeyError(key, value, f"{key} is not a config key of {group}={choice}{hint}")
    lacking = [option for option in options if option not in having]
    if lacking and (override.is_add() or override.is_force_add()):
        # A swept choice: the jobs of the options lacking the key would fail (their model,
        # data set or logger does not take it), the others' `+` would fail in Hydra.
        raise UnknownKeyError(
            key,
            value,
            f"{key} is not a config key of {group}={','.join(lacking)}, only of "
            f"{group}={','.join(having)}: sweep {group}={','.join(having)} on its own",
        )


def _check_sweeper(hydra_overrides: list[Override], experiments: list[str]) -> None:
    """Raises ConfigError when an experiment is run with a sweeper that cannot read its grids."""
    for override in hydra_overrides:
        if override.key_or_group == "hydra/sweeper" and experiments:
            for sweeper in _option_names(override) or []:
                if sweeper != GRID_SWEEPER:
                    raise ConfigError(
                        "hydra/sweeper",
                        sweeper,
                        f"experiment={','.join(experiments)} keeps its named grids in "
                        f"hydra.sweeper.grids, which only hydra/sweeper={GRID_SWEEPER} (the "
                        f"default) reads; Hydra's {sweeper} sweeper fails to compose them",
                    )


def _with_parents(values: dict[str, object]) -> set[str]:
    """Returns the dotted keys and every node above them (imbalance.rho -> imbalance)."""
    keys = set()
    for key in values:
        parts = key.split(".")
        keys.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return keys


def _option_keys(groups: dict[str, list[Path]], group: str, option: str) -> set[str] | None:
    """Returns the dotted keys an option of a group defines, or None when it has no file."""
    path = find_option(groups.get(group, []), option)
    return None if path is None else _with_parents(option_values(path, group, groups[group]))


def _all_option_keys(
    groups: dict[str, list[Path]], chosen: dict[str, list[str] | None]
) -> set[str]:
    """Returns the keys of the chosen options of every group, for suggestions."""
    pairs = [(group, option) for group, options in chosen.items() for option in options or []]
    return set().union(*(_option_keys(groups, group, option) or set() for group, option in pairs))


@functools.cache
def _trainer_arguments() -> frozenset[str]:
    """Returns the names of pytorch_lightning.Trainer's arguments (imports Lightning: seconds)."""
    from pytorch_lightning import Trainer

    parameters = inspect.signature(Trainer.__init__).parameters
    return frozenset(name for name in parameters if name != "self")


def _closest(key: str, known: set[str]) -> list[str]:
    """Returns the known keys closest to key: siblings first (imbalance.rh -> imbalance.rho),
    then the same last name elsewhere (rho -> imbalance.rho), then, where the node itself is
    unknown, any close dotted key."""
    known = {k for k in known if not k.startswith("hydra")}  # Hydra's keys (experiments set them)
    parent, _, name = key.rpartition(".")
    siblings = {k.rpartition(".")[2]: k for k in known if k.rpartition(".")[0] == parent}
    matches = [siblings[m] for m in _close_matches(name, list(siblings))]
    matches = matches or sorted(k for k in known if k.rpartition(".")[2] == name)
    if matches or parent in known:
        return matches
    return _close_matches(key, sorted(known))  # a typo above the last name: imbalence.rho


def _close_matches(word: str, candidates: list[str]) -> list[str]:
    """Returns difflib's close matches to word, only those nearly as close as the best."""
    matches = difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    ratios = [difflib.SequenceMatcher(None, word, m).ratio() for m in matches]
    return [m for m, ratio in zip(matches, ratios, strict=True) if ratio >= ratios[0] - 0.1]


def _did_you_mean(keys: list[str]) -> str:
    """Returns ' (did you mean a or b?)', or a pointer to --help when there is nothing close."""
    if not keys:
        return " (python train.py --help lists the keys)"
    return f" (did you mean {' or '.join(keys)}?)"


def preflight(argv: list[str], conf_dir: Path) -> None:
    """Answers --help, and refuses a key the config does not define, before Hydra composes
    anything or makes a folder (one line, exit code 2)."""
    if wants_help(argv):
        from imbalance_lab.cli.help import help_text

        print(help_text(conf_dir))
        sys.exit(0)
    if {"-m", "--multirun"} & set(argv) and {"-c", "--cfg"} & {a.split("=")[0] for a in argv}:
        print(
            "error: --cfg shows one job's config and Hydra takes it without -m; list a sweep's "
            "jobs and their folders with hydra.sweeper.dry_run=true",
            file=sys.stderr,
        )
        sys.exit(2)
    try:
        check_overrides(argv, conf_dir)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
