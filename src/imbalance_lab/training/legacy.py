"""Checkpoints of earlier versions: their LightningModule took every loss setting as its own
flat hyperparameter (gamma, beta, tau, class_weights, ...) and the CNN's memory format as
channels_last. This maps them onto today's (loss, loss_settings, model_settings)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from imbalance_lab.imbalance.weights import inverse_frequency_weights
from imbalance_lab.training.losses import loss_settings

# The flat hyperparameters of earlier versions that this module understands.
LEGACY_KEYS = (
    "class_weights",
    "gamma",
    "alpha",
    "beta",
    "max_margin",
    "scale",
    "drw_epoch",
    "tau",
    "channels_last",
)


def loss_from_legacy_hparams(
    loss: str,
    minority: Sequence[int],
    class_counts: Sequence[int] | None,
    model_settings: Mapping | None,
    legacy: Mapping[str, object],
) -> tuple[str, dict, dict]:
    """Returns (loss, loss_settings, model_settings) for the flat hyperparameters `legacy` of
    an earlier checkpoint whose loss was `loss`; raises TypeError for a key it does not know."""
    unknown = sorted(set(legacy) - set(LEGACY_KEYS))
    if unknown:
        raise TypeError(f"unknown hyperparameters {', '.join(unknown)}")
    model_settings = dict(model_settings or {})
    if legacy.get("channels_last"):
        model_settings["channels_last"] = True
    weights = legacy.get("class_weights")
    if loss == "cross_entropy" and weights is not None:
        return "weighted_cross_entropy", _weighted(weights, minority, class_counts), model_settings
    return loss, loss_settings(loss, legacy), model_settings


def _weighted(
    weights: Sequence[float], minority: Sequence[int], counts: Sequence[int] | None
) -> dict:
    """Returns the weighted loss's settings that give these class weights: 'auto' when they are
    the inverse frequencies, else the minority classes' weight (the majority's being 1)."""
    auto = inverse_frequency_weights(list(counts)) if counts else []
    if len(auto) == len(weights) and all(map(math.isclose, weights, auto)):
        return {"weight": "auto"}
    return {"weight": float(weights[list(minority)[0]])}
