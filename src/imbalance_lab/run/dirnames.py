"""Job folder names that a file system accepts: Hydra names sweep jobs after their overrides,
and a long grid (experiment=methods) passes the 255-byte limit of a file name."""

from __future__ import annotations

import hashlib

from omegaconf import OmegaConf

MAX_NAME = 150  # characters kept of the overrides; the job number and a hash come on top
RESOLVER = "short_dirname"


def short_dirname(overrides: str, limit: int = MAX_NAME) -> str:
    """Returns overrides unchanged if short enough, else its first `limit` characters and '~'
    with 8 hex digits of its md5: still unique, and the same on every rerun (resume)."""
    if len(overrides) <= limit:
        return overrides
    digest = hashlib.md5(overrides.encode()).hexdigest()[:8]
    return f"{overrides[:limit]}~{digest}"


def register() -> None:
    """Makes ${short_dirname:...} available to the configs (idempotent)."""
    OmegaConf.register_new_resolver(RESOLVER, short_dirname, replace=True)
