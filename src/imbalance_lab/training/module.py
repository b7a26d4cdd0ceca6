"""The LightningModule: one of the study's models, the imbalance-aware loss, the optimizer,
and the metrics logged per epoch for validation and test."""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from imbalance_lab.config.schema import LOSS_SCALED_PRECISIONS, STEP_MODES
from imbalance_lab.metrics.group_rates import GroupErrorRates
from imbalance_lab.metrics.names import STAGES
from imbalance_lab.metrics.scores import build_scores, flatten_scores
from imbalance_lab.training.captured_step import CapturedStep
from imbalance_lab.training.losses import build_loss
from imbalance_lab.training.models import build_model


class ImbalanceClassifier(pl.LightningModule):
    """Trains `model` (a name in training.models.MODELS, with its own `model_settings`) with
    the loss `loss` (a name in training.losses.LOSSES, with its own `loss_settings`), given the
    per-class training counts (C,) and the minority set I. Takes only plain values, all saved
    as hyperparameters, so load_from_checkpoint needs no arguments.

    step_mode: 'cuda_graph' replays each full training batch's whole step as a CUDA graph
    (one CUDA device, no fp16 loss scaling); 'eager' runs the same step uncaptured; 'auto'
    captures where cuda_graph can, falling back to eager steps if a capture fails.
    Optimisation is manual: the step is captured_step.CapturedStep."""

    def __init__(
        self,
        *,
        num_classes: int,
        image_shape: tuple[int, int] | list[int],
        minority: list[int] | tuple[int, ...],
        model: str = "cnn",
        model_settings: dict | None = None,
        loss: str = "cross_entropy",
        loss_settings: dict | None = None,
        class_counts: list[int] | None = None,
        optimizer: str = "adam",
        lr: float = 1e-3,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        step_mode: str = "eager",
        clip_grad_norm: float | None = None,
    ):
        super().__init__()
        if step_mode not in STEP_MODES:
            raise ValueError(f"step_mode must be one of {', '.join(STEP_MODES)}, got {step_mode!r}")
        counts = list(class_counts or [1] * num_classes)
        self.save_hyperparameters(
            {
                "model": model,
                "model_settings": dict(model_settings or {}),
                "minority": list(minority),
                "loss": loss,
                "loss_settings": dict(loss_settings or {}),
                "class_counts": counts,
                "optimizer": optimizer,
                "lr": lr,
                "momentum": momentum,
                "weight_decay": weight_decay,
                "num_classes": num_classes,
                "image_shape": list(image_shape),
                "step_mode": step_mode,
                "clip_grad_norm": clip_grad_norm,
            },
            # Not sent to the loggers: the W&B / CSV config is the resolved Hydra config alone.
            logger=False,
        )
        self.automatic_optimization = False  # CapturedStep runs backward and the optimizer
        self.captured_step: CapturedStep | None = None  # built at each fit's start
        self.model = build_model(model, num_classes, tuple(image_shape), **(model_settings or {}))
        self.loss_fn = build_loss(loss, counts, list(minority), loss_settings)
        # Added to the logits before evaluation: -tau log prior for post-hoc logit adjustment.
        self.register_buffer("eval_logit_shift", torch.zeros(num_classes))
        self.lr_factor = 1.0  # two-phase training fine-tunes at a tenth of the rate
        # Batches only update metric states (no host sync per step); each epoch computes once.
        self.eval_metrics = torch.nn.ModuleDict(
            {stage: build_scores(num_classes) for stage in STAGES}
        )
        self.group_rates = torch.nn.ModuleDict(
            {stage: GroupErrorRates(list(minority), num_classes) for stage in STAGES}
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, C) for images (B, 1, H, W)."""
        return self.model(images)

    def captures(self) -> bool:
        """Returns whether training replays CUDA graphs: step_mode allows it and the trainer
        runs one CUDA process without fp16 loss scaling (whose step syncs with the host)."""
        if self.hparams.step_mode == "eager":
            return False
        capturable = self.device.type == "cuda" and self._steps_raw_optimizer()
        if self.hparams.step_mode == "cuda_graph" and not capturable:
            raise ValueError(
                "step_mode cuda_graph needs one CUDA device and no 16-mixed precision, got "
                f"{self.device}, {self.trainer.world_size} processes, {self.trainer.precision}"
            )
        return capturable

    def _steps_raw_optimizer(self) -> bool:
        """Returns whether the step can use the raw optimizer and backward, which a graph can
        record: one process, no loss scaling. Otherwise it needs the trainer's own (DDP's
        gradient sync, fp16's scaler)."""
        return self.trainer.world_size == 1 and self.trainer.precision not in LOSS_SCALED_PRECISIONS

    def on_train_start(self) -> None:
        lightning_optimizer = self.optimizers()
        # With the raw optimizer, the trainer's step counter is advanced around each step,
        # replays included.
        plain = self._steps_raw_optimizer()
        self.captured_step = CapturedStep(
            forward=self.model,
            loss=lambda logits, labels: self.loss_fn(logits, labels, epoch=self.current_epoch),
            optimizer=lightning_optimizer.optimizer if plain else lightning_optimizer,
            capture=self.captures(),
            clip_grad_norm=self.hparams.clip_grad_norm,
            strict=self.hparams.step_mode == "cuda_graph",  # auto falls back to eager steps
            backward=torch.Tensor.backward if plain else self.manual_backward,
            # Looked up per call: the trainer re-binds them around every training_step.
            on_step=(lambda: lightning_optimizer._on_before_step()) if plain else lambda: None,
            after_step=(lambda: lightning_optimizer._on_after_step()) if plain else lambda: None,
        )

    def training_step(self, batch, batch_index: int) -> None:
        images, labels = batch
        self.captured_step(images, labels, graph_key=self.loss_fn.phase(self.current_epoch))
        if batch_index + 1 >= self.trainer.num_training_batches:
            # Once per epoch, on the device: a per-step log costs ~0.5-1 ms of Python on the
            # CPU. Logged in the last step, so callbacks' on_train_epoch_end already see it.
            # The images actually trained this epoch (trainer.limit_train_batches may cut
            # them), summed over ranks; read before epoch_loss starts a new epoch's count.
            images = float(self.captured_step.samples)
            self.log(
                "train/images",
                images,
                on_step=False,
                on_epoch=True,
                batch_size=1,
                sync_dist=True,
                reduce_fx="sum",
            )
            # The loss is averaged over ranks (each trains the same number of images).
            self.log(
                "train/loss",
                self.captured_step.epoch_loss(),
                on_step=False,
                on_epoch=True,
                batch_size=1,
                sync_dist=True,
            )
            self._log_epoch_number()

    def validation_step(self, batch, batch_index: int) -> None:
        self._update_metrics("val", batch)

    def test_step(self, batch, batch_index: int) -> None:
        self._update_metrics("test", batch)

    def predict_step(self, batch, batch_index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns (raw logits (B, C), labels (B,)): what post-hoc tuning needs."""
        images, labels = batch
        return self(images).float(), labels

    def on_validation_epoch_end(self) -> None:
        self._log_metrics("val")

    def on_test_epoch_end(self) -> None:
        self._log_metrics("test")

    def confusion(self, stage: str) -> torch.Tensor | None:
        """Returns the (C, C) confusion matrix of the stage's ('val', 'test') last evaluation,
        summed over ranks (rows: true class); None before the first."""
        return getattr(self.group_rates[stage], "last_confusion", None)

    def replayed_cuda_graphs(self) -> bool:
        """Returns whether the last fit replayed its training steps as CUDA graphs."""
        return bool(self.captured_step and self.captured_step.replays)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        hp = self.hparams
        trainable = [p for p in self.parameters() if p.requires_grad]
        lr = hp.lr * self.lr_factor
        if hp.optimizer == "sgd":
            return torch.optim.SGD(
                trainable, lr=lr, momentum=hp.momentum, weight_decay=hp.weight_decay
            )
        # capturable: Adam's step count lives on the device, so a replayed step advances it.
        capturable = self._trainer is not None and self.captures()
        return torch.optim.Adam(
            trainable, lr=lr, weight_decay=hp.weight_decay, capturable=capturable
        )

    def fine_tune_last_layer(self, lr_factor: float) -> None:
        """Freezes everything but the model's last layer, trained from now on with cross-entropy
        at lr * lr_factor (phase two of two-phase training, Buda et al. 2018)."""
        for parameter in self.model.parameters():
            parameter.requires_grad_(False)
        for parameter in self.model.last_layer.parameters():
            parameter.requires_grad_(True)
        self.loss_fn = build_loss("cross_entropy", [1] * self.hparams.num_classes)
        self.lr_factor = lr_factor

    def _log_epoch_number(self) -> None:
        """Logs `epoch` as 1, 2, ... for the loggers (CSV, W&B), as metrics.json's history and
        the progress bar number them; Lightning would log its 0-based counter."""
        self.log("epoch", float(self.current_epoch + 1), on_step=False, on_epoch=True, batch_size=1)

    def _update_metrics(self, stage: str, batch) -> None:
        images, labels = batch
        logits = self(images).float() + self.eval_logit_shift  # fp32 under bf16 too
        probabilities = logits.softmax(dim=1)  # (B, C)
        self.eval_metrics[stage].update(probabilities, labels)
        self.group_rates[stage].update(probabilities, labels)

    def _log_metrics(self, stage: str) -> None:
        scores = flatten_scores(self.eval_metrics[stage].compute())
        values = {**scores, **self.group_rates[stage].compute()}
        # compute() has already summed the states over ranks: every rank logs the same value.
        self.log_dict(
            {f"{stage}/{name}": value.float() for name, value in values.items()}, sync_dist=True
        )
        if stage == "val":
            self._log_epoch_number()
        self.eval_metrics[stage].reset()
        self.group_rates[stage].reset()
