"""Runs the project's command lines as a user would: real subprocesses from the repository root."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A train.py run on a slice of real MNIST that takes seconds: 5 x 200 majority and 5 x 50
# minority images, one short epoch (trainer=fast), no logger, no checkpoint.
TINY = [
    "trainer=fast",
    "logger=none",
    "checkpoint=false",
    "imbalance.n_max=200",
    "imbalance.rho=4",
    "data.val_per_class=20",
]


def environment(env: dict | None = None, unset=()) -> dict:
    """Returns os.environ with W&B disabled unless env says otherwise, env added, unset removed."""
    merged = {**os.environ, "WANDB_MODE": "disabled", **(env or {})}
    for name in unset:
        merged.pop(name, None)
    return merged


def python(args, env=None, unset=(), timeout=300) -> subprocess.CompletedProcess:
    """Returns the finished `python args` process: output captured, stdin closed so that nothing
    can wait on a prompt."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=environment(env, unset),
    )


def train_command(args) -> list[str]:
    """Returns the argv of `python train.py args`."""
    return [sys.executable, "train.py", *args]


def train(args, env=None, unset=(), timeout=600) -> subprocess.CompletedProcess:
    """Returns the finished `python train.py args` process."""
    return python(["train.py", *args], env=env, unset=unset, timeout=timeout)
