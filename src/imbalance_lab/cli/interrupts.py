"""SIGTERM (what SLURM and most schedulers send on pre-emption) and SIGINT (Ctrl-C) end a run
with the shell's status for the signal, 143 or 130, so that a launcher never counts an
interrupted run a success; the run folder keeps its last checkpoint, which the same command
continues from.

Lightning catches neither as we need: on SIGTERM it stops at the next loop boundary with exit
status 0, on Ctrl-C it exits 1. Here both raise RunInterrupted, a BaseException (no `except
Exception` swallows it), which passes through Lightning's fit and reaches the command line.
"""

from __future__ import annotations

import re
import shlex
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

HANDLED = (signal.SIGTERM, signal.SIGINT)


class RunInterrupted(BaseException):
    """A run stopped by a signal; exit_status is the shell's 128 + the signal's number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_status = 128 + signum


def _raise_interrupted(signum: int, frame) -> None:
    raise RunInterrupted(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Makes SIGTERM and SIGINT raise RunInterrupted while the block runs, where they still have
    Python's default handling: a launcher's own handler stays (submitit ignores SIGTERM and
    requeues the job on its pre-emption signal, docs/running-at-scale.md). Lightning calls this
    handler after its own during fit (it keeps handlers it finds), and restores it after."""
    previous = {signum: signal.getsignal(signum) for signum in HANDLED}
    for signum, handler in previous.items():
        if handler in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def resume_command(argv: list[str], folder_key: str, folder: str) -> str:
    """Returns the command that continues an interrupted run: the same arguments, pinned to the
    same folder by folder_key (hydra.run.dir, hydra.sweep.dir) unless they name it already;
    quoted for Hydra (a job folder holds , and =) and for the shell."""
    args = list(argv)
    if not any(arg.startswith(f"{folder_key}=") for arg in args):
        args.append(f"{folder_key}={_hydra_quoted(folder)}")
    return shlex.join(["python", "train.py", *args])


def _hydra_quoted(value: str) -> str:
    """Returns value as Hydra's override grammar reads it back unchanged: in single quotes when
    it holds a character the grammar gives a meaning to."""
    if not re.search(r"[\s,=\[\]{}()'\"\\:$]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def interrupted_line(error: RunInterrupted, where: str, command: str) -> str:
    """Returns the one line that ends an interrupted run or sweep."""
    return (
        f"interrupted by {error.args[0]}: {where} keeps its last checkpoint; resume with: {command}"
    )


def exit_interrupted(error: RunInterrupted, where: str, command: str) -> None:
    """Prints the line and exits with the signal's status."""
    print(interrupted_line(error, where, command), file=sys.stderr)
    sys.exit(error.exit_status)
