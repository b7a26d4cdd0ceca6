"""The standard classification scores logged for validation and test, from torchmetrics.

Written by hand only what torchmetrics lacks: the geometric mean of the per-class recalls.
"""

from __future__ import annotations

import torch
from torchmetrics import MetricCollection
from torchmetrics.classification import (
    MulticlassAccuracy,
    MulticlassAUROC,
    MulticlassCalibrationError,
    MulticlassF1Score,
    MulticlassRecall,
)

from imbalance_lab.metrics.names import ACC, BAL_ACC, ECE, GMEAN, MACRO_F1, RECALL, ROC_AUC, recall


def build_scores(num_classes: int) -> MetricCollection:
    """Returns the scores, each updated with probabilities (N, C) and labels (N,)."""
    return MetricCollection(
        {
            ACC: MulticlassAccuracy(num_classes, average="micro"),
            # Mean per-class recall, i.e. balanced accuracy.
            BAL_ACC: MulticlassAccuracy(num_classes, average="macro"),
            MACRO_F1: MulticlassF1Score(num_classes, average="macro"),
            RECALL: MulticlassRecall(num_classes, average=None),  # (C,)
            # One-vs-rest ROC AUC averaged over classes (Buda et al. 2018's headline metric);
            # thresholds=None keeps the scores and computes it exactly.
            ROC_AUC: MulticlassAUROC(num_classes, average="macro", thresholds=None),
            # Expected calibration error: |accuracy - confidence| over 15 confidence bins.
            ECE: MulticlassCalibrationError(num_classes, n_bins=15, norm="l1"),
        },
        compute_groups=False,
    )


def geometric_mean(recalls: torch.Tensor) -> torch.Tensor:
    """Returns (prod_c recall_c) ** (1 / C): 0 as soon as one class is never recognised."""
    return recalls.double().clamp_min(0).log().mean().exp().to(recalls.dtype)


def flatten_scores(values: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Returns the computed scores as 0-d tensors: the per-class recall (C,) becomes
    recall_0 .. recall_{C-1}, plus gmean, their geometric mean."""
    flat = {name: value for name, value in values.items() if name != RECALL}
    recalls = values[RECALL]
    flat.update({recall(c): value for c, value in enumerate(recalls)})
    flat[GMEAN] = geometric_mean(recalls)
    return flat
