"""The losses, one small nn.Module each, behind one registry (LOSSES): cross-entropy, weighted
and class-balanced cross-entropy, focal, LDAM(-DRW), logit-adjusted and balanced softmax.

Every loss is built as Loss(class_counts, minority, **its settings): the per-class training
counts (C,), the minority set I, and the method's own settings from the config, unchanged
(build_loss passes each class exactly the settings its signature names; none has a default
here, so the only defaults are conf/train.yaml's). The maths lives in module-level functions;
per-class tensors are non-persistent buffers (they move with .to(device), stay out of
state_dict, and are rebuilt from plain values on reload). Every loss is computed in fp32,
whatever the dtype of the logits (bf16 under autocast). Written by hand because no well-kept
library ships these losses with torch.nn.functional semantics.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from imbalance_lab.imbalance.weights import (
    class_balanced_weights,
    inverse_frequency_weights,
    minority_weights,
)


def log_prior(counts: Sequence[int]) -> torch.Tensor:
    """Returns log pi_c = log(n_c / sum_c' n_c'), (C,) float32: the training label prior."""
    if len(counts) == 0 or min(counts) <= 0:
        raise ValueError(f"every class needs at least one training image, got counts {counts}")
    n = torch.tensor(list(counts), dtype=torch.float64)
    return (n / n.sum()).log().float()


def ldam_margins(counts: Sequence[int], max_margin: float) -> torch.Tensor:
    """Returns the LDAM margins of Cao et al. 2019, (C,) float32:
    m_c = max_margin * n_c^{-1/4} / max_c' n_c'^{-1/4}, so the rarest class gets max_margin."""
    log_prior(counts)  # the same check: every class needs an image
    inv_root = torch.tensor(list(counts), dtype=torch.float64) ** -0.25  # (C,)
    return (max_margin * inv_root / inv_root.max()).float()


def focal_loss(
    logits: torch.Tensor, labels: torch.Tensor, gamma: float, alpha: torch.Tensor | None = None
) -> torch.Tensor:
    """Returns the focal loss of Lin et al. 2017, "Focal Loss for Dense Object Detection":
    mean_i -alpha_{y_i} (1 - p_{i,y_i})^gamma log p_{i,y_i}, fp32. gamma = 0 without alpha is
    cross-entropy. It is a plain mean over the batch, not F.cross_entropy's weighted mean
    (sum_i w_{y_i} l_i / sum_i w_{y_i}), so alpha scales the loss as well as reweighting it."""
    log_p = F.log_softmax(logits.float(), dim=1)  # (B, C)
    log_p_y = log_p.gather(1, labels[:, None]).squeeze(1)  # (B,)
    # (1 - p)^0 is 1 even at p = 1 (torch defines 0^0 = 1), so gamma = 0 is exactly CE.
    loss = -((1.0 - log_p_y.exp()) ** gamma) * log_p_y  # (B,)
    if alpha is not None:
        loss = alpha[labels] * loss
    return loss.mean()


def ldam_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    margins: torch.Tensor,
    scale: float,
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """Returns the LDAM loss of Cao et al. 2019, "Learning Imbalanced Datasets with
    Label-Distribution-Aware Margin Loss": CE(scale * (z - m_y e_y), y), weighted by `weight`
    (C,) as F.cross_entropy does. Only the true class's logit is lowered by its margin."""
    z = logits.float()  # (B, C)
    # m_{y_i} taken off [i, y_i] only; scatter_add, not one_hot, whose range check can read
    # the labels back to the host, which a CUDA-graph capture forbids.
    shifted = z.scatter_add(1, labels[:, None], -margins[labels][:, None])  # (B, C)
    return F.cross_entropy(scale * shifted, labels, weight=weight)


class ImbalanceLoss(nn.Module):
    """What every loss shares: the number of classes, fp32 per-class buffers, and a phase that
    only LDAM-DRW changes. forward(logits (B, C), labels (B,), epoch) returns the mean loss."""

    def __init__(self, class_counts: Sequence[int]):
        super().__init__()
        self.num_classes = len(class_counts)

    def _buffer(self, name: str, values: Sequence[float] | torch.Tensor | None) -> None:
        tensor = None if values is None else torch.as_tensor(values, dtype=torch.float32)
        if tensor is not None and tensor.shape != (self.num_classes,):
            raise ValueError(f"{name} needs {self.num_classes} entries, got {tuple(tensor.shape)}")
        self.register_buffer(name, tensor, persistent=False)

    def _fp32(self, name: str) -> torch.Tensor | None:
        """Returns buffer `name` as fp32 (no copy when it already is): a 'bf16-true' or
        '16-true' Trainer casts every float buffer along with the model."""
        buffer = getattr(self, name)
        return None if buffer is None else buffer.float()

    def _checked(self, logits: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, C) as fp32 after checking their shape."""
        if logits.ndim != 2 or logits.shape[1] != self.num_classes:
            raise ValueError(f"expected logits (B, {self.num_classes}), got {tuple(logits.shape)}")
        return logits.float()

    def phase(self, epoch: int) -> int:
        """Returns the loss's phase at `epoch` (0-based): 0 unless the loss changes during
        training (a captured training step is re-captured when it changes)."""
        return 0


class CrossEntropy(ImbalanceLoss):
    """Cross-entropy, optionally with per-class weights (C,): the weighted losses below set them."""

    def __init__(self, class_counts, minority, *, class_weights: Sequence[float] | None = None):
        super().__init__(class_counts)
        self._buffer("weight", class_weights)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        return F.cross_entropy(self._checked(logits), labels, weight=self._fp32("weight"))


class WeightedCrossEntropy(CrossEntropy):
    """The study's weighted loss: cross-entropy weighted `weight` on the minority classes and 1
    on the majority; weight 'auto' is w_c = N / (C n_c), the inverse class frequency."""

    def __init__(self, class_counts, minority, *, weight: float | str):
        if weight == "auto":
            weights = inverse_frequency_weights(list(class_counts))
        else:
            weights = minority_weights(len(class_counts), list(minority), float(weight))
        super().__init__(class_counts, minority, class_weights=weights)


class ClassBalanced(CrossEntropy):
    """Cross-entropy weighted by the class-balanced weights of Cui et al. 2019 (beta)."""

    def __init__(self, class_counts, minority, *, beta: float):
        weights = class_balanced_weights(list(class_counts), float(beta))
        super().__init__(class_counts, minority, class_weights=weights)


class Focal(ImbalanceLoss):
    """mean -alpha_y (1 - p_y)^gamma log p_y (Lin et al. 2017); alpha (C,) optional."""

    def __init__(self, class_counts, minority, *, gamma: float, alpha: Sequence[float] | None):
        super().__init__(class_counts)
        if gamma < 0:
            raise ValueError(f"focal gamma must be >= 0, got {gamma}")
        self.gamma = float(gamma)
        self._buffer("alpha", alpha)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        return focal_loss(self._checked(logits), labels, self.gamma, self._fp32("alpha"))


class LDAM(ImbalanceLoss):
    """CE(scale (z - m_y e_y)) with m_c = max_margin n_c^(-1/4) / max n^(-1/4) (Cao et al.
    2019); from epoch drw_epoch on (None: never) weighted by the class-balanced weights of
    beta, their deferred re-weighting (DRW)."""

    def __init__(
        self, class_counts, minority, *, max_margin: float, scale: float, drw_epoch, beta: float
    ):
        super().__init__(class_counts)
        if drw_epoch is not None and drw_epoch < 0:
            raise ValueError(f"drw_epoch must be >= 0 or None, got {drw_epoch}")
        self.scale, self.drw_epoch = float(scale), drw_epoch
        self._buffer("margins", ldam_margins(class_counts, float(max_margin)))
        late = None if drw_epoch is None else class_balanced_weights(list(class_counts), beta)
        self._buffer("late_weight", late)

    def phase(self, epoch: int) -> int:
        """Returns 1 from the re-weighting epoch on, else 0."""
        return int(self.drw_epoch is not None and epoch >= self.drw_epoch)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        weight = self._fp32("late_weight") if self.phase(epoch) else None
        return ldam_loss(self._checked(logits), labels, self._fp32("margins"), self.scale, weight)


class LogitAdjusted(ImbalanceLoss):
    """CE(z + tau log pi, y), pi the training label prior (Menon et al. 2021)."""

    def __init__(self, class_counts, minority, *, tau: float):
        super().__init__(class_counts)
        self._buffer("offset", float(tau) * log_prior(class_counts))  # (C,)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        return F.cross_entropy(self._checked(logits) + self._fp32("offset"), labels)


class BalancedSoftmax(LogitAdjusted):
    """CE(z + log n_c, y) (Ren et al. 2020): log n_c is log pi_c plus a constant, which the
    softmax ignores, so this is the logit-adjusted loss at tau 1."""

    def __init__(self, class_counts, minority):
        super().__init__(class_counts, minority, tau=1.0)


# name -> class; a method names its loss in imbalance.methods.METHODS.
LOSSES: dict[str, type[ImbalanceLoss]] = {
    "cross_entropy": CrossEntropy,
    "weighted_cross_entropy": WeightedCrossEntropy,
    "class_balanced": ClassBalanced,
    "focal": Focal,
    "ldam": LDAM,
    "logit_adjusted": LogitAdjusted,
    "balanced_softmax": BalancedSoftmax,
}


def loss_settings(name: str, settings: Mapping[str, object]) -> dict[str, object]:
    """Returns the entries of `settings` that loss `name` takes (its keyword-only arguments),
    unchanged; raises TypeError naming any it needs and `settings` lacks."""
    parameters = inspect.signature(LOSSES[name].__init__).parameters.values()
    wanted = [p for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    missing = [p.name for p in wanted if p.default is p.empty and p.name not in settings]
    if missing:
        raise TypeError(f"loss {name!r} needs the settings {', '.join(missing)}")
    return {p.name: settings[p.name] for p in wanted if p.name in settings}


def build_loss(
    name: str,
    class_counts: Sequence[int],
    minority: Sequence[int] = (),
    settings: Mapping[str, object] | None = None,
) -> ImbalanceLoss:
    """Returns a fresh loss `name` (a key of LOSSES) for the per-class training counts (C,) and
    the minority set, given the settings it takes (others in `settings` are left out)."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    chosen = loss_settings(name, settings or {})
    return LOSSES[name](list(class_counts), list(minority), **chosen)
