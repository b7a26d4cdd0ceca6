"""Post-hoc logit adjustment of a trained model's outputs (Menon et al. 2021; at tau 1 the
prior thresholding of Buda et al. 2018), and tau tuned on the validation split."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torchmetrics.functional.classification import multiclass_accuracy

from imbalance_lab.training.losses import log_prior

POSTHOC_TAUS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def posthoc_adjust(logits: torch.Tensor, counts: list[int], tau: float) -> torch.Tensor:
    """Returns logits (N, C) - tau * log pi in fp32, pi = counts / sum(counts): the post-hoc
    logit adjustment of Menon et al. 2021. At tau = 1 the argmax is that of p(y|x) / pi_y,
    the prior thresholding of Buda et al. 2018; tau = 0 changes nothing."""
    offset = tau * log_prior(counts).to(logits.device)  # (C,)
    return logits.float() - offset


def tune_posthoc_tau(
    logits: torch.Tensor,
    labels: torch.Tensor,
    counts: list[int],
    taus: Sequence[float] = POSTHOC_TAUS,
) -> float:
    """Returns the tau in `taus` whose posthoc_adjust(logits, counts, tau) has the highest
    balanced accuracy (mean per-class recall) on validation logits (N, C) and labels (N,);
    the smallest such tau on ties. Balanced accuracy is torchmetrics' macro accuracy, the
    val/bal_acc the module logs."""
    if len(taus) == 0:
        raise ValueError("taus is empty")
    best_tau, best_score = math.nan, -math.inf
    for tau in sorted(taus):  # ascending, and only a strict gain moves: ties keep the smallest
        preds = posthoc_adjust(logits, counts, tau).argmax(dim=1)  # (N,)
        score = multiclass_accuracy(preds, labels, len(counts), average="macro").item()
        if score > best_score:
            best_tau, best_score = float(tau), score
    return best_tau
