"""The files of a run folder, named once: what run() writes and the report reads.

No torch here: the report reads run folders without loading the training stack.

    <run>/.hydra/config.yaml      the composed config (Hydra)
    <run>/.hydra/overrides.yaml   the command-line overrides (Hydra)
    <run>/.hydra/hydra.yaml       Hydra's own config of the run (written by run() once the
                                  folder is its own; Hydra's output_subdir is null)
    <run>/train.log               the run's log
    <run>/csv/metrics.csv         Lightning's CSV logger (logger=csv)
    <run>/checkpoints/last.ckpt   the newest checkpoint, after every epoch (resume from it)
    <run>/checkpoints/tested.ckpt the weights tested, when they are not last.ckpt's (select,
                                  posthoc, two_phase); metrics.json's test/checkpoint names it
    <run>/confusion_matrix.png    the test confusion matrix
    <run>/error.txt               a failed sweep job's traceback
    <run>/fingerprint.json        the fingerprint of the config that owns the folder's results
                                  (config/identity.py), written before training starts
    <run>/.lock                   held by the process running in the folder (run/folder_claim.py)
    <run>/.lock.holder            who holds it: process id, host, start time, command
    <run>/metrics.json            written last and atomically: a finished run
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CONFIG_FILE = Path(".hydra") / "config.yaml"
OVERRIDES_FILE = Path(".hydra") / "overrides.yaml"
HYDRA_FILE = Path(".hydra") / "hydra.yaml"
TRAIN_LOG = "train.log"
CSV_DIR = "csv"
CHECKPOINT_DIR = "checkpoints"
LAST_CHECKPOINT = Path(CHECKPOINT_DIR) / "last.ckpt"
TESTED_CHECKPOINT = Path(CHECKPOINT_DIR) / "tested.ckpt"
CONFUSION_FIGURE = "confusion_matrix.png"
ERROR_FILE = "error.txt"
METRICS_FILE = "metrics.json"
FINGERPRINT_FILE = "fingerprint.json"
LOCK_FILE = ".lock"
HOLDER_FILE = ".lock.holder"
# What a run leaves that holds results of its config: replaced, never mixed, when a run starts
# over in the folder (resume=false).
RESULT_FILES = (METRICS_FILE, FINGERPRINT_FILE, CONFUSION_FIGURE, ERROR_FILE)
RESULT_DIRS = (CHECKPOINT_DIR, CSV_DIR)


def finished_metrics(folder: Path) -> dict | None:
    """Returns the metrics of a run that finished in folder, None if it did not.

    metrics.json is written last and atomically, so a readable one means a finished run."""
    try:
        metrics = json.loads((Path(folder) / METRICS_FILE).read_text())
    except (OSError, ValueError):
        return None
    return metrics if isinstance(metrics, dict) and "test/acc" in metrics else None


def shareable(path: str) -> None:
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
        shareable(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: dict) -> None:
    """Writes data as indented JSON to path, atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
