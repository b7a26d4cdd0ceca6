"""Job folder names: Hydra names sweep jobs after their overrides, leaving out the run-only keys
(config/identity.py, through ${folder_name_excluded:}), so that runs whose results differ never
share a folder; and a long grid (experiment=methods) is cut to pass the 255-byte limit of a
file name."""

from __future__ import annotations

import hashlib

from omegaconf import OmegaConf

from imbalance_lab.config.identity import FOLDER_NAME_EXCLUDED

MAX_NAME = 150  # characters kept of the overrides; the job number and a hash come on top
RESOLVER = "short_dirname"
EXCLUDED_RESOLVER = "folder_name_excluded"


def short_dirname(overrides: str, limit: int = MAX_NAME) -> str:
    """Returns overrides unchanged if short enough, else its first `limit` characters and '~'
    with 8 hex digits of its md5: still unique, and the same on every rerun (resume)."""
    if len(overrides) <= limit:
        return overrides
    digest = hashlib.md5(overrides.encode()).hexdigest()[:8]
    return f"{overrides[:limit]}~{digest}"


def register() -> None:
    """Makes ${short_dirname:...} and ${folder_name_excluded:} available to the configs
    (idempotent). Hydra imports the sweeper plugin, which calls this, before it composes."""
    OmegaConf.register_new_resolver(RESOLVER, short_dirname, replace=True)
    OmegaConf.register_new_resolver(
        EXCLUDED_RESOLVER, lambda: list(FOLDER_NAME_EXCLUDED), replace=True
    )
