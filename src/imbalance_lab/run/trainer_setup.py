"""The Lightning Trainer of one run and its callbacks: the epoch history, the checkpoint after
every epoch, the best-epoch tracker of `select`, the progress bar. Plain values in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytorch_lightning as pl
from pytorch_lightning.callbacks import ModelCheckpoint

from imbalance_lab.run.atomic_io import AtomicCheckpointIO
from imbalance_lab.run.progress import RunProgressBar
from imbalance_lab.run_folder import CHECKPOINT_DIR, LAST_CHECKPOINT
from imbalance_lab.training.best_epoch import BestEpoch
from imbalance_lab.training.history import EpochHistory


@dataclass(frozen=True)
class Training:
    """A run's Trainer, the arguments it was built with (the config's trainer node), and the
    callbacks the run reads: the epochs' history and the best-epoch tracker (None: no select)."""

    trainer: pl.Trainer
    kwargs: dict
    history: EpochHistory
    best: BestEpoch | None


def build_trainer(config: dict, output_dir: Path, logger) -> Training:
    """Returns the run's Training: its Trainer from the config's trainer node, writing under
    output_dir, with the history, checkpoint, select and progress callbacks."""
    kwargs = dict(config["trainer"])
    if config["data"]["val_per_class"] == 0:
        kwargs["limit_val_batches"] = 0  # no validation split: the study's baselines
    history = EpochHistory()
    callbacks: list[pl.Callback] = [history]
    best = BestEpoch(config["select"]) if config["select"] else None
    if best:
        callbacks.append(best)
    if config["checkpoint"]:
        # checkpoints/last.ckpt after every epoch, written atomically (AtomicCheckpointIO).
        # Saved at the training epoch's end, after EpochHistory has its row, so a resumed
        # run's history is whole. Reload with load_from_checkpoint(path).
        callbacks.append(
            # top-1 without a monitor keeps the newest; save_last would only save at the end.
            ModelCheckpoint(
                dirpath=output_dir / CHECKPOINT_DIR,
                filename=LAST_CHECKPOINT.stem,
                save_top_k=1,
                enable_version_counter=False,
                save_on_train_epoch_end=True,
            )
        )
    if kwargs.get("enable_progress_bar", True):
        callbacks.append(RunProgressBar())
    trainer = pl.Trainer(
        **kwargs,
        logger=logger,
        callbacks=callbacks,
        default_root_dir=str(output_dir),
        enable_checkpointing=config["checkpoint"],
        plugins=[AtomicCheckpointIO()],
    )
    return Training(trainer, kwargs, history, best)
