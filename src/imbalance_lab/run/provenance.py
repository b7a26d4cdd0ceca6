"""What produced a run: the git commit of the source tree (a report says which commit its
sweeps ran at) and the machine (CPU model, torch threads, GPU, torch version): CPU float results
depend on the thread count, so a rerun compares like with like."""

from __future__ import annotations

import platform
import subprocess
from functools import lru_cache
from pathlib import Path

import torch


@lru_cache(maxsize=1)
def source_commit() -> str | None:
    """Returns the commit hash of the checkout this package runs from, with '+dirty' when
    tracked files differ from it; None outside a git checkout (an installed wheel)."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    dirty = "+dirty" if status.returncode == 0 and status.stdout.strip() else ""
    return commit.stdout.strip() + dirty


@lru_cache(maxsize=1)
def cpu_model() -> str:
    """Returns the CPU's model name (Linux: /proc/cpuinfo), else what platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(device: torch.device) -> dict:
    """Returns metrics.json's record of where a run trained: the CPU, torch's CPU threads, the
    GPU (None on the CPU) and the torch version."""
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else None
    return {
        "env/cpu": cpu_model(),
        "env/threads": torch.get_num_threads(),
        "env/gpu": gpu,
        "env/torch": torch.__version__,
    }
