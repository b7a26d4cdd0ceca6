"""Whether W&B can run online here: a rule shared by the training loggers and the report, so no
torch here. W&B itself would hang ~100 s without network, or prompt without a key."""

from __future__ import annotations

import netrc
import os
import socket
from urllib.parse import urlparse

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
