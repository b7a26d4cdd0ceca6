"""A run folder belongs to one config and one process at a time.

A folder's results (metrics.json, checkpoints) carry the fingerprint of the config that made
them (fingerprint.json). A run skips into a finished folder or continues its checkpoint only
when the fingerprints are equal; any other config stops before any work with one line naming
the keys that differ. A run holds a lock on its folder while it runs (filelock: an OS lock,
released when the process dies), so that a second process for the same folder stops instead
of training beside it. No torch: the sweeper checks every job's folder with folder_state.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from imbalance_lab.config.identity import differences, fingerprint, results_config
from imbalance_lab.errors import FolderError
from imbalance_lab.run_folder import (
    CHECKPOINT_DIR,
    FINGERPRINT_FILE,
    HOLDER_FILE,
    LOCK_FILE,
    RESULT_DIRS,
    RESULT_FILES,
    finished_metrics,
    write_json_atomic,
)

SHOWN_DIFFERENCES = 3  # keys named in a clash's line; the rest are counted
WAY_OUT = (
    "use another folder (hydra.run.dir=... or hydra.sweep.dir=...) or resume=false to replace them"
)


@dataclass(frozen=True)
class FolderState:
    """What a folder holds for a config: 'new' (no results), 'finished' (this config's
    metrics.json), 'resumable' (this config's checkpoint) or 'clash' (results of another config,
    or of one without a fingerprint); clash holds the one-line explanation."""

    kind: str
    fingerprint: str
    clash: str = ""


def _has_results(folder: Path) -> bool:
    """Returns whether folder holds metrics.json or a checkpoint."""
    checkpoints = folder / CHECKPOINT_DIR
    return finished_metrics(folder) is not None or any(checkpoints.glob("*.ckpt"))


def _recorded(folder: Path) -> dict | None:
    """Returns the fingerprint record of a folder ({'fingerprint', 'config'}), None if none."""
    try:
        record = json.loads((folder / FINGERPRINT_FILE).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "fingerprint" in record else None


def _shown(value: object) -> str:
    """Returns a config value as it is typed on the command line ('—' for a missing key)."""
    if value is None:
        return "—"
    return json.dumps(value) if isinstance(value, (list, str)) else str(value)


def clash_line(folder: Path, recorded: dict | None, config: dict) -> str:
    """Returns the one line that refuses config in a folder holding recorded's results."""
    if recorded is None:
        return (
            f"{folder} holds results without a fingerprint (made before fingerprints were "
            f"recorded), so they cannot be matched to this config: {WAY_OUT}"
        )
    # Keys set in both first (a changed value says most), then keys only one of them has.
    found = sorted(differences(recorded["config"], config), key=lambda d: (None in d[1:], d[0]))
    named = "; ".join(
        f"{key} {_shown(there)} there, {_shown(asked)} asked"
        for key, there, asked in found[:SHOWN_DIFFERENCES]
    )
    more = f" (and {len(found) - SHOWN_DIFFERENCES} more)" if len(found) > SHOWN_DIFFERENCES else ""
    return f"{folder} holds the results of another config ({named}{more}): {WAY_OUT}"


def folder_state(folder: Path, config: dict) -> FolderState:
    """Returns what folder holds for config (a resolved config as a nested dict)."""
    own = fingerprint(config)
    if not _has_results(folder):
        return FolderState("new", own)
    recorded = _recorded(folder)
    if recorded is None or recorded["fingerprint"] != own:
        return FolderState("clash", own, clash_line(folder, recorded, config))
    return FolderState("finished" if finished_metrics(folder) else "resumable", own)


def clear_results(folder: Path) -> None:
    """Removes the files that hold a run's results, so that a run starting over never leaves
    old and new ones side by side."""
    for name in RESULT_FILES:
        (folder / name).unlink(missing_ok=True)
    for name in RESULT_DIRS:
        shutil.rmtree(folder / name, ignore_errors=True)


def _holder(folder: Path) -> str:
    """Returns who holds the folder's lock, as its holder file says."""
    try:
        holder = json.loads((folder / HOLDER_FILE).read_text())
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder["since"]))
        return f"process {holder['pid']} on {holder['host']} since {since} ({holder['command']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextmanager
def claimed_folder(folder: Path, config: dict, resume: bool) -> Iterator[FolderState]:
    """Holds the folder's lock while the block runs and yields its state for config. Raises
    FolderError, before anything is written, when another process holds the lock, or when the
    folder holds another config's results and resume is true. Without resume the folder's old
    results are removed first. The fingerprint record is written before the block runs."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_FILE, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise FolderError(
            f"{folder} is in use by {_holder(folder)}: wait for it to end or use another folder"
        ) from None
    try:
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.time(),
            "command": " ".join(["python", *sys.argv]),
        }
        (folder / HOLDER_FILE).write_text(json.dumps(holder))
        state = folder_state(folder, config)
        if state.kind == "clash" and resume:
            raise FolderError(state.clash)
        if not resume:
            clear_results(folder)
            state = FolderState("new", state.fingerprint)
        if state.kind != "finished":
            record = {"fingerprint": state.fingerprint, "config": results_config(config)}
            write_json_atomic(folder / FINGERPRINT_FILE, record)
        yield state
    finally:
        (folder / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()
