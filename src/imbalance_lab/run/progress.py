"""The training progress bar: epochs numbered from 1 (as in metrics.json's history and the CSV
log), the running training loss and the last validation accuracy, without a host sync per
step (a GPU step must not wait for the CPU)."""

from __future__ import annotations

import pytorch_lightning as pl
from pytorch_lightning.callbacks import TQDMProgressBar
from pytorch_lightning.callbacks.progress.tqdm_progress import convert_inf

LOSS_EVERY = 50  # steps between reads of the running loss: one host sync per 50 steps


class RunProgressBar(TQDMProgressBar):
    """Lightning's tqdm bar showing `Epoch e/E`, `loss` (the epoch's mean training loss so far,
    read every LOSS_EVERY steps) and `val/acc` (after each validation)."""

    def __init__(self, loss_every: int = LOSS_EVERY):
        super().__init__()
        self.loss_every = loss_every
        self.shown: dict[str, str] = {}

    def on_train_epoch_start(self, trainer: pl.Trainer, *args) -> None:
        # Lightning's own, with the epoch numbered from 1 (its would print "Epoch 0" first).
        if self._leave:
            self.train_progress_bar = self.init_train_tqdm()
        self.train_progress_bar.reset(convert_inf(self.total_train_batches))
        self.train_progress_bar.initial = 0
        self.train_progress_bar.set_description(
            f"Epoch {trainer.current_epoch + 1}/{trainer.max_epochs}"
        )

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_index: int) -> None:
        step = getattr(pl_module, "captured_step", None)
        if step is not None and step.samples and (batch_index + 1) % self.loss_every == 0:
            self.shown["loss"] = f"{float(step.running_loss()):.4f}"  # the one host sync
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_index)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        loss = trainer.callback_metrics.get("train/loss")  # the epoch's, logged in its last step
        if loss is not None:
            self.shown["loss"] = f"{float(loss):.4f}"
        super().on_train_epoch_end(trainer, pl_module)

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        accuracy = trainer.callback_metrics.get("val/acc")
        if accuracy is not None and not trainer.sanity_checking:
            self.shown["val/acc"] = f"{float(accuracy):.4f}"  # once per validation
        super().on_validation_end(trainer, pl_module)

    def get_metrics(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> dict[str, str]:
        """Returns what the bar shows after the counts: the cached loss and accuracy only."""
        return dict(self.shown)
