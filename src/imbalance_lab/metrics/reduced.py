"""Whether a run's numbers come from a reduced run (a smoke run: trainer.limit_*_batches cut
its training, validation or test), read from its metrics.json: what it went through against
what its data set holds. Pure Python (no torch): the command line, the run's figure and the
report all say it the same way."""

from __future__ import annotations

# (actually processed, planned, what) per part of a run, as metrics.json names them.
PARTS = (
    ("train/images_per_epoch", "train/size", "training images per epoch"),
    ("data/val_scored", "data/val_size", "validation images"),
    ("data/test_size", "data/test_split_size", "test images"),
)


def reduced_parts(metrics: dict) -> list[str]:
    """Returns what was cut, e.g. ['2,560 of 27,500 training images per epoch', '1,024 of
    10,000 test images']; [] for a full run, or a run from before these keys were recorded."""
    parts = []
    for done, planned, what in PARTS:
        counted = isinstance(metrics.get(done), int) and isinstance(metrics.get(planned), int)
        if counted and metrics[done] < metrics[planned]:
            parts.append(f"{metrics[done]:,} of {metrics[planned]:,} {what}")
    return parts


def reduced_note(metrics: dict) -> str:
    """Returns 'reduced run: ...' naming what was cut, or '' for a full run."""
    parts = reduced_parts(metrics)
    return f"reduced run: {'; '.join(parts)}" if parts else ""
