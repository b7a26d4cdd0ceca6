"""Lightning loggers by name; W&B falls back to offline, with one line, instead of hanging."""

from __future__ import annotations

import netrc
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from pytorch_lightning.loggers import CSVLogger, Logger

WANDB_HOST = "api.wandb.ai"


def _has_wandb_key() -> bool:
    """Returns whether W&B credentials exist (WANDB_API_KEY or a ~/.netrc entry)."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        return netrc.netrc().authenticators(WANDB_HOST) is not None
    except (OSError, netrc.NetrcParseError):
        return False


def _reachable(url: str, timeout_s: float = 3.0) -> bool:
    """Returns whether a TCP connection to the W&B server opens within timeout_s."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def resolve_wandb_mode(requested: str) -> tuple[str, str | None]:
    """Returns (mode, notice): 'auto' becomes online only with credentials and a reachable
    server (W&B itself would hang ~100 s without network); WANDB_MODE in the environment wins."""
    if requested != "auto":
        return requested, None
    if os.environ.get("WANDB_MODE"):
        return os.environ["WANDB_MODE"], None
    if not _has_wandb_key():
        return "offline", "no W&B API key (WANDB_API_KEY or ~/.netrc)"
    base_url = os.environ.get("WANDB_BASE_URL", f"https://{WANDB_HOST}")
    if not _reachable(base_url):
        return "offline", f"{base_url} is not reachable"
    return "online", None


def build_logger(
    name: str,
    output_dir: Path,
    *,
    project: str = "imbalance-lab",
    entity: str | None = None,
    mode: str = "auto",
    group: str | None = None,
    tags: list[str] | None = None,
    config: dict | None = None,
) -> Logger | bool:
    """Returns the Lightning logger `name` ('csv' | 'wandb' | 'none') writing under output_dir;
    False for 'none' (Lightning's value for no logger)."""
    if name == "none":
        return False
    if name == "csv":
        return CSVLogger(save_dir=str(output_dir), name="csv", version="")
    from pytorch_lightning.loggers import WandbLogger  # imports wandb: only when asked for

    mode, notice = resolve_wandb_mode(mode)
    if notice:
        print(
            f"W&B: {notice}; logging offline to {output_dir / 'wandb'} "
            f"(upload later with `wandb sync {output_dir / 'wandb'}/offline-run-*`)",
            file=sys.stderr,
        )
    return WandbLogger(
        project=project,
        entity=entity,
        group=group,
        tags=tags,
        save_dir=str(output_dir),
        mode=mode,
        config=config,
        name=output_dir.name,
    )


def finish_wandb(logger: Logger | bool) -> None:
    """Closes the W&B run, so that the next job of a multirun starts a fresh one."""
    if type(logger).__name__ == "WandbLogger":
        import wandb

        wandb.finish()


def log_image(logger: Logger | bool, key: str, path: Path) -> None:
    """Logs the PNG at path as an image where the logger shows images (W&B); else nothing."""
    if type(logger).__name__ == "WandbLogger":
        logger.log_image(key=key, images=[str(path)])
