"""The conf folder read as files (OmegaConf, no Hydra composition): its config groups, their
options, and each option's keys and values. What the override check and --help read; no torch,
a few milliseconds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from omegaconf import OmegaConf

PRIMARY = "train.yaml"  # the primary config, as train.py's @hydra.main names it


def group_dirs(search_dirs: Iterable[Path]) -> dict[str, list[Path]]:
    """Returns each config group (a folder of YAML files) with its folders along the search
    path, hydra/... groups included (e.g. {'model': [conf/model], 'hydra/launcher': [...]})."""
    groups: dict[str, list[Path]] = {}
    for root in search_dirs:
        # Two levels (model/, hydra/launcher/): a search path entry may be a big folder.
        candidates = [*root.glob("*"), *root.glob("*/*")] if root.is_dir() else []
        for folder in sorted(p for p in candidates if p.is_dir()):
            if any(folder.glob("*.yaml")):
                groups.setdefault(folder.relative_to(root).as_posix(), []).append(folder)
    return groups


def group_options(folders: Iterable[Path]) -> list[str]:
    """Returns the option names (YAML file stems) found in a group's folders, sorted."""
    return sorted({path.stem for folder in folders for path in folder.glob("*.yaml")})


def default_choices(conf_dir: Path) -> dict[str, str]:
    """Returns the group options that train.yaml's defaults list chooses, Hydra's own groups
    included (`override hydra/sweeper: checked`); null ones are left out."""
    choices = {}
    for entry in OmegaConf.to_container(OmegaConf.load(conf_dir / PRIMARY)).get("defaults", []):
        if isinstance(entry, dict):
            for group, option in entry.items():
                if option is not None:
                    choices[group.removeprefix("override ").strip()] = str(option)
    return choices


def package_prefix(path: Path, group: str) -> str:
    """Returns the dotted path an option file's keys live under: the group's, or none for a
    file headed `# @package _global_` (the experiments)."""
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        if line.removeprefix("#").strip() == "@package _global_":
            return ""
    return group.replace("/", ".")


def leaf_values(node: object, prefix: str = "") -> dict[str, object]:
    """Returns {dotted key: value} for every leaf of a plain dict (lists are leaves)."""
    if not isinstance(node, dict):
        return {prefix: node}
    leaves = {}
    for key, value in node.items():
        leaves.update(leaf_values(value, f"{prefix}.{key}" if prefix else str(key)))
    return leaves


def option_values(path: Path, group: str, folders: list[Path]) -> dict[str, object]:
    """Returns {dotted key: value} of an option file, after the options of its group that its
    defaults list names first (trainer=fast builds on trainer=default)."""
    content = OmegaConf.to_container(OmegaConf.load(path)) or {}
    values: dict[str, object] = {}
    for entry in content.pop("defaults", []):
        parent = find_option(folders, entry) if isinstance(entry, str) else None
        if parent is not None and parent != path:
            values.update(option_values(parent, group, folders))
    values.update(leaf_values(content, package_prefix(path, group)))
    return values


def find_option(folders: Iterable[Path], option: str) -> Path | None:
    """Returns the first <folder>/<option>.yaml along the search path, or None."""
    return next((f / f"{option}.yaml" for f in folders if (f / f"{option}.yaml").is_file()), None)
