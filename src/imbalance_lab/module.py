"""The LightningModule: one of the study's models, an optionally class-weighted loss, the
optimizer, and the metrics logged per epoch for validation and test."""

from __future__ import annotations

import pytorch_lightning as pl
import torch
import torch.nn.functional as F

from imbalance_lab.metrics import GroupErrorRates
from imbalance_lab.models import build_model
from imbalance_lab.scores import build_scores, flatten_scores

EVAL_STAGES = ("val", "test")


class ImbalanceClassifier(pl.LightningModule):
    """Trains `model` ('cnn' | 'rnn') with cross-entropy, weighted per class when
    class_weights (C,) is given. Takes only plain values, all saved as hyperparameters, so
    load_from_checkpoint needs no arguments."""

    def __init__(
        self,
        model: str = "cnn",
        minority: list[int] | tuple[int, ...] = (0, 1, 2, 3, 4),
        class_weights: list[float] | None = None,
        optimizer: str = "adam",
        lr: float = 1e-3,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        num_classes: int = 10,
    ):
        super().__init__()
        self.save_hyperparameters()
        self.model = build_model(model, num_classes)
        weights = None if class_weights is None else torch.tensor(class_weights, dtype=torch.float)
        self.register_buffer("class_weights", weights)
        # Batches only update metric states (no host sync per step); each epoch computes once.
        self.eval_metrics = torch.nn.ModuleDict(
            {stage: build_scores(num_classes) for stage in EVAL_STAGES}
        )
        self.group_rates = torch.nn.ModuleDict(
            {stage: GroupErrorRates(list(minority), num_classes) for stage in EVAL_STAGES}
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, C) for images (B, 1, 28, 28)."""
        return self.model(images)

    def training_step(self, batch, batch_index: int) -> torch.Tensor:
        images, labels = batch
        loss = F.cross_entropy(self(images), labels, weight=self.class_weights)
        # Accumulated on the device, averaged over ranks once at the epoch's end.
        self.log(
            "train/loss", loss, on_step=False, on_epoch=True, batch_size=len(labels), sync_dist=True
        )
        return loss

    def validation_step(self, batch, batch_index: int) -> None:
        self._update_metrics("val", batch)

    def test_step(self, batch, batch_index: int) -> None:
        self._update_metrics("test", batch)

    def on_validation_epoch_end(self) -> None:
        self._log_metrics("val")

    def on_test_epoch_end(self) -> None:
        self._log_metrics("test")

    def configure_optimizers(self) -> torch.optim.Optimizer:
        hp = self.hparams
        if hp.optimizer == "sgd":
            return torch.optim.SGD(
                self.parameters(), lr=hp.lr, momentum=hp.momentum, weight_decay=hp.weight_decay
            )
        return torch.optim.Adam(self.parameters(), lr=hp.lr, weight_decay=hp.weight_decay)

    def _update_metrics(self, stage: str, batch) -> None:
        images, labels = batch
        probabilities = self(images).float().softmax(dim=1)  # (B, C); fp32 under bf16 too
        self.eval_metrics[stage].update(probabilities, labels)
        self.group_rates[stage].update(probabilities, labels)

    def _log_metrics(self, stage: str) -> None:
        scores = flatten_scores(self.eval_metrics[stage].compute())
        values = {**scores, **self.group_rates[stage].compute()}
        # compute() has already summed the states over ranks: every rank logs the same value.
        self.log_dict(
            {f"{stage}/{name}": value.float() for name, value in values.items()}, sync_dist=True
        )
        self.eval_metrics[stage].reset()
        self.group_rates[stage].reset()
