"""Writing run outputs so that a crash never leaves a half file that looks finished."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from lightning_fabric.plugins import TorchCheckpointIO


def _shareable(path: str) -> None:
    """Gives a temporary file the mode a plain open() would (mkstemp makes it 0600, unreadable
    to the others who share a cluster's run folders)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_text_atomic(path: Path, text: str) -> None:
    """Writes text to path via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        _shareable(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: dict) -> None:
    """Writes data as indented JSON to path, atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, made atomic on local disks: fsspec's transaction stages
    the file in the system temp folder and moves it, which is a copy (not a rename) whenever
    that folder is on another file system than the run."""

    def save_checkpoint(self, checkpoint: dict, path, storage_options=None) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(handle)
        try:
            torch.save(checkpoint, temporary)
            _shareable(temporary)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
