"""Model selection by a validation metric: the epoch whose validation `metric` is best, and its
weights, kept so that the test can use them (select=val/bal_acc)."""

from __future__ import annotations

import copy

import pytorch_lightning as pl
import torch

from imbalance_lab.metrics.names import lower_is_better


class BestEpoch(pl.Callback):
    """Keeps the best epoch (1-based) by `metric` and a CPU copy of its weights (the module's
    state dict). Its state goes into checkpoints, so a resumed run keeps the best of the epochs
    it trained before. Ties keep the earlier epoch."""

    def __init__(self, metric: str):
        self.metric = metric
        self.epoch: int | None = None
        self.score: float | None = None
        self.weights: dict[str, torch.Tensor] | None = None

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking or self.metric not in trainer.callback_metrics:
            return
        score = float(trainer.callback_metrics[self.metric])  # one host sync per epoch
        better = self.score is None or (
            score < self.score if lower_is_better(self.metric) else score > self.score
        )
        if better:
            self.epoch, self.score = trainer.current_epoch + 1, score
            self.weights = {k: v.detach().cpu().clone() for k, v in pl_module.state_dict().items()}

    def restore(self, module: pl.LightningModule) -> None:
        """Loads the best epoch's weights into module (which must have been validated)."""
        if self.weights is None:
            raise RuntimeError(f"no validation epoch logged {self.metric}: nothing to select")
        module.load_state_dict(self.weights)

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "score": self.score, "weights": self.weights}

    def load_state_dict(self, state_dict: dict) -> None:
        self.epoch, self.score = state_dict["epoch"], state_dict["score"]
        self.weights = copy.copy(state_dict["weights"])
