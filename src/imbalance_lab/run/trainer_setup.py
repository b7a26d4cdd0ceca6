"""The Lightning Trainer of one run and its callbacks: the epoch history, the checkpoint after
every epoch, the best-epoch tracker of `select`, the progress bar. Plain values in."""

from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
from pytorch_lightning.callbacks import ModelCheckpoint

from imbalance_lab.run.files import AtomicCheckpointIO
from imbalance_lab.run.progress import RunProgressBar
from imbalance_lab.run_folder import CHECKPOINT_DIR, LAST_CHECKPOINT
from imbalance_lab.training.best_epoch import BestEpoch
from imbalance_lab.training.history import EpochHistory


def build_trainer(
    trainer_kwargs: dict,
    output_dir: Path,
    logger,
    *,
    checkpoint: bool,
    select: str | None,
) -> tuple[pl.Trainer, EpochHistory, BestEpoch | None]:
    """Returns (trainer, its epoch history, its best-epoch tracker or None) for trainer_kwargs
    (the config's trainer node as a dict) writing under output_dir."""
    kwargs = dict(trainer_kwargs)
    history = EpochHistory()
    callbacks: list[pl.Callback] = [history]
    best = BestEpoch(select) if select else None
    if best:
        callbacks.append(best)
    if checkpoint:
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
        enable_checkpointing=checkpoint,
        plugins=[AtomicCheckpointIO()],
    )
    return trainer, history, best
