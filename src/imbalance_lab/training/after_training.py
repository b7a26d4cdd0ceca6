"""The after-training table (AFTER_TRAINING): what a method runs once the network is trained,
post-hoc logit adjustment or the second phase of two-phase training. A method names its step
in imbalance.methods.METHODS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytorch_lightning as pl
import torch

from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.training.history import EpochHistory
from imbalance_lab.training.module import ImbalanceClassifier
from imbalance_lab.training.posthoc import posthoc_adjust, tune_posthoc_tau


def adjust_logits_posthoc(
    trainer: pl.Trainer,
    module: ImbalanceClassifier,
    datamodule: ImbalancedData,
    counts: list[int],
    tau: float | None,
) -> float:
    """Returns the tau used for argmax(z - tau log prior) from now on (Menon et al. 2021;
    tau 1 is Buda et al. 2018's prior thresholding). tau None tunes it for balanced accuracy
    on the validation split (under DDP: on each rank's share of it)."""
    if tau is None:
        outputs = trainer.predict(module, datamodule=datamodule)
        logits = torch.cat([batch_logits for batch_logits, _ in outputs])
        labels = torch.cat([batch_labels for _, batch_labels in outputs])
        tau = tune_posthoc_tau(logits.cpu(), labels.cpu(), counts)
    shift = posthoc_adjust(torch.zeros(1, len(counts)), counts, tau)[0]  # (C,) = -tau log prior
    module.eval_logit_shift.copy_(shift.to(module.eval_logit_shift.device))
    return tau


def fine_tune_on_imbalanced(
    trainer_kwargs: dict,
    module: ImbalanceClassifier,
    datamodule: ImbalancedData,
    history: EpochHistory,
    epochs: int,
    lr_factor: float = 0.1,
) -> None:
    """Phase two of two-phase training (Buda et al. 2018): after training on the re-sampled
    set, fine-tunes the last layer on the imbalanced set at lr * lr_factor for `epochs`."""
    datamodule.train_on("imbalanced")
    module.fine_tune_last_layer(lr_factor)
    history.phase = 2
    history.epoch_offset = len(history.rows)
    trainer = pl.Trainer(
        **{**trainer_kwargs, "max_epochs": epochs},
        logger=False,
        callbacks=[history],
        enable_checkpointing=False,
    )
    trainer.fit(module, datamodule=datamodule)


@dataclass(frozen=True)
class Fitted:
    """What a fit leaves to an after-training step: the trainer and its arguments, the trained
    module, the data, the epochs' history and the images kept per class (before re-sampling)."""

    trainer: pl.Trainer
    trainer_kwargs: dict
    module: ImbalanceClassifier
    datamodule: ImbalancedData
    history: EpochHistory
    counts: list[int]


def _posthoc(fitted: Fitted, settings: Mapping[str, object]) -> dict[str, float]:
    tau = None if settings["tau"] == "auto" else float(settings["tau"])
    used = adjust_logits_posthoc(
        fitted.trainer, fitted.module, fitted.datamodule, fitted.counts, tau
    )
    return {"posthoc/tau": used}


def _two_phase(fitted: Fitted, settings: Mapping[str, object]) -> dict[str, float]:
    epochs = int(settings["finetune_epochs"])
    fine_tune_on_imbalanced(
        fitted.trainer_kwargs, fitted.module, fitted.datamodule, fitted.history, epochs=epochs
    )
    return {}


# name -> (what the fit left, the method's own settings) -> what it decided, for metrics.json.
AFTER_TRAINING: dict[str, Callable[[Fitted, Mapping[str, object]], dict[str, float]]] = {
    "posthoc": _posthoc,
    "two_phase": _two_phase,
}
