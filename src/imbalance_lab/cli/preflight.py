"""train.py's check of its arguments before anything runs: --help, then every override against
the config it composes, so that a typo, an unknown group option or a value that a key's
declaration refuses stops the command with one line (exit code 2) before Hydra makes a folder
and before the training stack is imported (no torch: a refusal costs a fraction of a second).

Each value of a declared key is checked (every value of a sweep), then Hydra composes the first
job (a sweep's first values) and the config check judges it whole; a sweep's other jobs are the
checked sweeper's to compose and check before its first job. Hydra's own keys (hydra.*,
hydra/...) and flags are left to Hydra.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.config.check import check_config
from imbalance_lab.config.identity import flatten
from imbalance_lab.config.schema import declared
from imbalance_lab.errors import ConfigError, UnknownKeyError, closest
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.setting import typed

HELP_FLAGS = ("-h", "--help")
VALUE_FLAGS = ("-c", "--cfg", "-p", "--package")  # their value is the next argument
# After these the arguments are not overrides of this config: another primary config or search
# path, a rerun from a pickle, shell completion (`-sc install=bash`).
UNCHECKED_FLAGS = ("-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir")
UNCHECKED_FLAGS += ("--experimental-rerun", "-sc", "--shell-completion")
INFO_FLAGS = ("-i", "--info")  # its value is optional: only one of INFO_CHOICES is taken
INFO_CHOICES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
GRID_SWEEPER = "checked"  # only the project's sweeper reads the experiments' hydra.sweeper.grids
CFG_WITH_MULTIRUN = (
    "--cfg shows one job's config and Hydra takes it without -m; list a sweep's jobs and their "
    "folders with hydra.sweeper.dry_run=true"
)


def wants_help(argv: Iterable[str]) -> bool:
    """Returns whether argv asks for the project's help page (-h, --help; not --hydra-help)."""
    return any(arg in HELP_FLAGS for arg in argv)


def preflight(argv: list[str], conf_dir: Path) -> None:
    """Answers --help, or refuses the first argument the config does not allow (one line on
    stderr, exit code 2); returns when the command may run."""
    if wants_help(argv):
        from imbalance_lab.cli.help import help_text

        print(help_text(conf_dir))
        sys.exit(0)
    try:
        if {"-m", "--multirun"} & set(argv) and {"-c", "--cfg"} & {a.split("=")[0] for a in argv}:
            raise UnknownKeyError("--cfg", "job", CFG_WITH_MULTIRUN)
        check_overrides(argv, conf_dir)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


def check_overrides(argv: list[str], conf_dir: Path) -> None:
    """Raises ConfigError (UnknownKeyError for keys) for the first override the config does
    not allow: each value of a declared key or group, then the first job's config whole."""
    arguments = _override_arguments(argv)
    if arguments is None:
        return
    with initialize_config_dir(config_dir=str(conf_dir.absolute()), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        parser = OverridesParser.create(config_loader=loader)
        parsed = [o for o in map(lambda a: _parse(parser, a), arguments) if o is not None]
        own = [o for o in parsed if not o.is_hydra_override()]
        groups = set(loader.list_groups(""))
        searchpath = [o.input_line for o in parsed if o.key_or_group == "hydra.searchpath"]
        for override in own:
            _check_values(override)
            if override.key_or_group in groups and not searchpath:  # each option of a sweep
                options = loader.get_group_options(override.key_or_group)
                for option in [typed(v) for v in _values(override) if typed(v) not in options]:
                    raise _no_option(override.key_or_group, option, options, conf_dir.name)
        _check_sweeper(parsed)
        first = [_first_value(o, groups) for o in own]
        cfg = _composed([text for text in first if text] + searchpath, conf_dir, groups)
        for override in own:  # a `+` adds a key: of the config's, only Trainer arguments
            key = override.key_or_group
            if override.is_add() and key not in groups and not key.startswith("trainer."):
                raise UnknownKeyError(key, None, f"{key} is a config key already: drop the +")
        if None not in first:  # (an interval or glob sweep only Hydra enumerates: no first job)
            check_config(cfg)


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


def _values(override: Override) -> list:
    """Returns the values an override gives its key: one, or each of a sweep's ([] for an
    interval or a glob, which only the sweeper enumerates)."""
    if not override.is_sweep_override():
        return [override.value()]
    return list(override.sweep_iterator()) if override.is_discrete_sweep() else []


def _first_value(override: Override, groups: set[str]) -> str | None:
    """Returns the override as the first job takes it: a sweep's first value, and without the
    `+` of a key that is no Trainer argument, so that Hydra refuses it when it is unknown;
    None for a sweep that only Hydra enumerates (interval, glob)."""
    key = override.key_or_group
    if override.is_sweep_override() and not override.is_discrete_sweep():
        return None
    text = override.input_line.lstrip("+")
    if override.is_sweep_override():
        text = f"{key}={next(iter(override.sweep_string_iterator()))}"
    keeps_add = key in groups or key.startswith("trainer.")
    return "+" * (override.is_add() + 2 * override.is_force_add()) * keeps_add + text


def _check_values(override: Override) -> None:
    """Raises ConfigError for a value of a declared key that no declaration of it allows (of
    a method's key: any method's; the chosen method's is the config check's)."""
    setting = declared().get(override.key_or_group)
    if setting is None or override.is_delete():
        return
    node, _, name = override.key_or_group.partition(".")
    kinds = [setting.allowed]
    if node == "imbalance":
        kinds += [m.settings[name].allowed for m in METHODS.values() if name in m.settings]
    for value in _values(override):
        interpolated = isinstance(value, str) and value.startswith("${")
        if not interpolated and not any(kind.accepts(value) for kind in kinds):
            raise ConfigError(override.key_or_group, value, str(setting.allowed))


def _composed(overrides: list[str], conf_dir: Path, groups: set[str]) -> DictConfig:
    """Returns the config composed from the overrides, with Hydra's node; raises its refusal
    in one line (an unknown key: UnknownKeyError with the keys nearest it)."""
    try:
        return compose("train", overrides, return_hydra_config=True)
    except ValueError as error:  # e.g. experiment=null: no option is a group's null
        raise UnknownKeyError("", None, str(error).splitlines()[0]) from None
    except ConfigCompositionException as error:
        key = getattr(error.__cause__, "full_key", None)
        if key is None:
            raise composition_refusal(error, conf_dir.name) from None
        raise _unknown(key, overrides, groups) from None


def composition_refusal(error: ConfigCompositionException, conf: str = "conf") -> ConfigError:
    """Returns Hydra's refusal to compose a config as one line: an unknown group option or
    key, else the first line of Hydra's message (the sweeper's, for a job)."""
    if isinstance(error, MissingConfigException):
        group, _, option = str(error.missing_cfg_file).rpartition("/")
        return _no_option(group, option, error.options or [], conf)
    key = getattr(error.__cause__, "full_key", None)
    message = f"{key} is not a config key" if key else str(error).splitlines()[0]
    return UnknownKeyError(key or "", None, message)


def _no_option(group: str, option: str, options: list[str], conf: str) -> ConfigError:
    return ConfigError(group, option, f"one of {', '.join(options)} ({conf}/{group}/*.yaml)")


def _unknown(key: str, overrides: list[str], groups: set[str]) -> UnknownKeyError:
    """Returns the error for an unknown key: which group option lacks it and which other option
    has it, or the keys nearest it."""
    # Hydra names the first node it misses: imbalence for imbalence.rho.
    given = next(o for o in overrides if f"{o.lstrip('+').split('=')[0]}.".startswith(f"{key}."))
    key, _, value = given.lstrip("+").partition("=")
    choices = [o for o in overrides if o.lstrip("+").split("=")[0] in groups or o[:6] == "hydra."]
    group, (known, chosen) = key.partition(".")[0], _keys(choices)
    near = _nearest(key, known, 0.8 if group == "trainer" else 0.6)
    hint = (
        f" (did you mean {' or '.join(near)}?)"
        if near
        else " (python train.py --help lists the keys)"
    )
    if group not in chosen:
        return UnknownKeyError(key, value, f"{key} is not a config key{hint}")
    options = GlobalHydra.instance().config_loader().get_group_options(group)
    others = [f"{group}={o}" for o in options if key in _keys([*choices, f"{group}={o}"])[0]]
    if group == "trainer" and not near:  # a Trainer argument that no trainer file sets
        message = f"{key} is not set by trainer={chosen[group]}: add it with +{key}={value}"
        return UnknownKeyError(key, value, message)
    hint = f" ({', '.join(others)} has it)" if others else hint
    return UnknownKeyError(
        key, value, f"{key} is not a config key of {group}={chosen[group]}{hint}"
    )


def _keys(overrides: list[str]) -> tuple[set[str], dict]:
    """Returns (the dotted keys, the group choices) of the config these overrides compose."""
    cfg = compose("train", overrides, return_hydra_config=True)
    keys = {k for k in flatten(OmegaConf.to_container(cfg)) if not k.startswith("hydra.")}
    return keys, dict(cfg.hydra.runtime.choices)


def _nearest(key: str, known: set[str], cutoff: float) -> list[str]:
    """Returns the known keys nearest key: siblings first (imbalance.rh: imbalance.rho), then the
    same last name elsewhere (rho: imbalance.rho), then any close dotted key."""
    parent, _, name = key.rpartition(".")
    siblings = {k.rpartition(".")[2]: k for k in known if k.rpartition(".")[0] == parent}
    near = [siblings[m] for m in closest(name, list(siblings), cutoff)]
    near = near or sorted(k for k in known if k.rpartition(".")[2] == name)
    return near or closest(key, sorted(known), cutoff)


def _check_sweeper(parsed: list[Override]) -> None:
    """Raises ConfigError when an experiment is run with a sweeper that cannot read its grids."""
    experiments = [str(v) for o in parsed if o.key_or_group == "experiment" for v in _values(o)]
    sweepers = [str(v) for o in parsed if o.key_or_group == "hydra/sweeper" for v in _values(o)]
    for sweeper in [s for s in sweepers if s != GRID_SWEEPER and experiments]:
        raise ConfigError(
            "hydra/sweeper",
            sweeper,
            f"experiment={','.join(experiments)} keeps its named grids in hydra.sweeper.grids, "
            f"which only hydra/sweeper={GRID_SWEEPER} (the default) reads; Hydra's {sweeper} "
            "sweeper fails to compose them",
        )
