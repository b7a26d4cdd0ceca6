"""The files of a run folder, named once: what run() writes and the report reads.

No torch here: the report reads run folders without loading the training stack.

    <run>/.hydra/config.yaml      the composed config (Hydra)
    <run>/.hydra/overrides.yaml   the command-line overrides (Hydra)
    <run>/train.log               the run's log
    <run>/csv/metrics.csv         Lightning's CSV logger (logger=csv)
    <run>/checkpoints/last.ckpt   the newest checkpoint, after every epoch (resume from it)
    <run>/checkpoints/tested.ckpt the weights tested, when they are not last.ckpt's (select,
                                  posthoc, two_phase); metrics.json's test/checkpoint names it
    <run>/confusion_matrix.png    the test confusion matrix
    <run>/error.txt               a failed sweep job's traceback
    <run>/metrics.json            written last and atomically: a finished run
"""

from __future__ import annotations

import json
from pathlib import Path

CONFIG_FILE = Path(".hydra") / "config.yaml"
OVERRIDES_FILE = Path(".hydra") / "overrides.yaml"
TRAIN_LOG = "train.log"
CSV_DIR = "csv"
CHECKPOINT_DIR = "checkpoints"
LAST_CHECKPOINT = Path(CHECKPOINT_DIR) / "last.ckpt"
TESTED_CHECKPOINT = Path(CHECKPOINT_DIR) / "tested.ckpt"
CONFUSION_FIGURE = "confusion_matrix.png"
ERROR_FILE = "error.txt"
METRICS_FILE = "metrics.json"


def finished_metrics(folder: Path) -> dict | None:
    """Returns the metrics of a run that finished in folder, None if it did not.

    metrics.json is written last and atomically, so a readable one means a finished run."""
    try:
        metrics = json.loads((Path(folder) / METRICS_FILE).read_text())
    except (OSError, ValueError):
        return None
    return metrics if isinstance(metrics, dict) and "test/acc" in metrics else None
