"""A callback that keeps every epoch's validation metrics, for "epochs to 95%" and plots."""

from __future__ import annotations

import time

import pytorch_lightning as pl


class EpochHistory(pl.Callback):
    """Collects, at each training epoch's end, the epoch's logged train/ and val/ scalars and
    its wall time (time/epoch_s: training and validation, as the trainer runs them)."""

    def __init__(self):
        self.rows: list[dict[str, float]] = []
        self.phase = 1  # two-phase training marks its second phase's rows
        # Epochs trained before this trainer's (two-phase training's second trainer starts
        # at 0), so that rows are numbered 1, 2, ... across the whole run.
        self.epoch_offset = 0
        self._epoch_started = 0.0

    def on_train_epoch_start(self, trainer: pl.Trainer, module: pl.LightningModule) -> None:
        self._epoch_started = time.perf_counter()

    def on_train_epoch_end(self, trainer: pl.Trainer, module: pl.LightningModule) -> None:
        # One host sync per epoch; validation of this epoch has already run.
        row = {"epoch": self.epoch_offset + trainer.current_epoch + 1}
        if self.phase > 1:
            row["phase"] = self.phase
        for name, value in trainer.callback_metrics.items():
            if name.startswith(("train/", "val/")):
                row[name] = round(float(value), 6)
        row["time/epoch_s"] = round(time.perf_counter() - self._epoch_started, 4)
        self.rows.append(row)

    def state_dict(self) -> dict:
        return {"rows": self.rows}

    def load_state_dict(self, state_dict: dict) -> None:
        self.rows = list(state_dict["rows"])
