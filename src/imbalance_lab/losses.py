"""Long-tail losses: class-balanced, focal, LDAM(-DRW), logit-adjusted and balanced-softmax
cross-entropy, plus post-hoc logit adjustment of a trained model's outputs.

Plain torch: the maths lives in module-level functions and ImbalanceLoss only holds the
per-class tensors (as buffers, so .to(device) moves them) and picks one per method. Written by
hand because no well-kept library ships these losses with torch.nn.functional semantics.
Every loss is computed in fp32, whatever the dtype of the logits (bf16 under autocast).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.functional.classification import multiclass_accuracy

METHODS = (
    "cross_entropy",
    "class_balanced",
    "focal",
    "ldam",
    "logit_adjusted",
    "balanced_softmax",
)
POSTHOC_TAUS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def _check_counts(counts: Sequence[int]) -> None:
    if len(counts) == 0 or min(counts) <= 0:
        raise ValueError(f"every class needs at least one training image, got counts {counts}")


def class_balanced_weights(counts: list[int], beta: float) -> list[float]:
    """Returns the class-balanced weights of Cui et al. 2019, "Class-Balanced Loss Based on
    Effective Number of Samples": w_c = (1 - beta) / (1 - beta^{n_c}), i.e. one over the
    effective number of samples, scaled so that sum_c w_c = C. beta = 0 gives all ones;
    beta -> 1 tends to inverse-frequency weights."""
    _check_counts(counts)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1), got {beta}")
    raw = [(1.0 - beta) / (1.0 - beta**n) for n in counts]  # Python floats: double precision
    total = sum(raw)
    return [len(counts) * w / total for w in raw]


def log_prior(counts: list[int]) -> torch.Tensor:
    """Returns log pi_c = log(n_c / sum_c' n_c'), (C,) float32: the training label prior."""
    _check_counts(counts)
    n = torch.tensor(counts, dtype=torch.float64)
    return (n / n.sum()).log().float()


def ldam_margins(counts: list[int], max_margin: float) -> torch.Tensor:
    """Returns the LDAM margins of Cao et al. 2019, (C,) float32:
    m_c = max_margin * n_c^{-1/4} / max_c' n_c'^{-1/4}, so the rarest class gets max_margin."""
    _check_counts(counts)
    inv_root = torch.tensor(counts, dtype=torch.float64) ** -0.25  # (C,)
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
    """Returns, from forward, the mean long-tail loss of logits (B, C) and labels (B,); see
    build_loss for the methods. The per-class tensors are non-persistent buffers: they move with
    .to(device) but stay out of state_dict, since build_loss rebuilds them from plain values
    (and checkpoints saved before this loss existed still load strictly)."""

    def __init__(
        self,
        method: str,
        num_classes: int,
        *,
        weight: Sequence[float] | torch.Tensor | None = None,
        late_weight: Sequence[float] | torch.Tensor | None = None,
        late_epoch: int | None = None,
        alpha: Sequence[float] | torch.Tensor | None = None,
        gamma: float = 0.0,
        margins: Sequence[float] | torch.Tensor | None = None,
        scale: float = 1.0,
        logit_offset: Sequence[float] | torch.Tensor | None = None,
    ):
        super().__init__()
        self.method = method
        self.num_classes = num_classes
        self.gamma = gamma
        self.scale = scale
        self.late_epoch = late_epoch
        for name, value in [
            ("weight", weight),  # (C,) cross-entropy class weights
            ("late_weight", late_weight),  # (C,) weights from late_epoch on (DRW)
            ("alpha", alpha),  # (C,) focal alpha
            ("margins", margins),  # (C,) LDAM margins
            ("logit_offset", logit_offset),  # (C,) added to every row of logits
        ]:
            tensor = None if value is None else torch.as_tensor(value, dtype=torch.float32)
            self.register_buffer(name, tensor, persistent=False)

    def forward(self, logits: torch.Tensor, labels: torch.Tensor, epoch: int = 0) -> torch.Tensor:
        """Returns the scalar fp32 mean loss of logits (B, C) for labels (B,) at `epoch`
        (0-based, as LightningModule.current_epoch; only LDAM-DRW looks at it)."""
        if logits.ndim != 2 or logits.shape[1] != self.num_classes:
            raise ValueError(f"expected logits (B, {self.num_classes}), got {tuple(logits.shape)}")
        z = logits.float()  # (B, C): fp32 even under bf16 autocast
        weight = self._fp32("late_weight" if self.phase(epoch) else "weight")
        if self.method == "focal":
            return focal_loss(z, labels, self.gamma, self._fp32("alpha"))
        if self.method == "ldam":
            return ldam_loss(z, labels, self._fp32("margins"), self.scale, weight)
        if self.logit_offset is not None:  # logit_adjusted, balanced_softmax
            z = z + self._fp32("logit_offset")  # (B, C) + (C,)
        return F.cross_entropy(z, labels, weight=weight)

    def phase(self, epoch: int) -> int:
        """Returns 1 from LDAM-DRW's re-weighting epoch on, else 0: the only way the loss
        changes with the epoch (a captured training step is re-captured when it changes)."""
        return int(self.late_epoch is not None and epoch >= self.late_epoch)

    def _fp32(self, name: str) -> torch.Tensor | None:
        """Returns buffer `name` as fp32 (no copy when it already is): a 'bf16-true' or
        '16-true' Trainer casts every float buffer along with the model."""
        buffer = getattr(self, name)
        return None if buffer is None else buffer.float()

    def extra_repr(self) -> str:
        return f"method={self.method!r}, num_classes={self.num_classes}"


def build_loss(
    method: str,
    counts: list[int],
    *,
    class_weights: list[float] | None = None,
    gamma: float = 2.0,
    alpha: list[float] | None = None,
    beta: float = 0.9999,
    max_margin: float = 0.5,
    scale: float = 30.0,
    drw_epoch: int | None = None,
    tau: float = 1.0,
) -> nn.Module:
    """Returns the ImbalanceLoss for `method`, given the training set's per-class counts (C,).

    - "cross_entropy": CE, weighted by class_weights when given (the 'none', 'ros' and
      'weighted' methods).
    - "class_balanced": CE weighted by class_balanced_weights(counts, beta) (Cui et al. 2019).
    - "focal": mean -alpha_y (1 - p_y)^gamma log p_y, alpha optional (Lin et al. 2017).
    - "ldam": CE(scale * (z - m_y e_y), y), m_c = max_margin * n_c^{-1/4} / max n^{-1/4}
      (Cao et al. 2019); from epoch drw_epoch on (None: never) the CE is weighted by
      class_balanced_weights(counts, beta), their deferred re-weighting (DRW, beta 0.9999).
    - "logit_adjusted": CE(z + tau * log pi, y), pi = counts / sum(counts) (Menon et al. 2021).
    - "balanced_softmax": CE(z + log n, y) (Ren et al. 2020), logit_adjusted at tau = 1.

    An argument that the method would ignore (class_weights, alpha, drw_epoch) raises
    ValueError rather than passing silently.
    """
    if method not in METHODS:
        raise ValueError(f"unknown loss method {method!r}; expected one of {', '.join(METHODS)}")
    num_classes = len(counts)
    for name, value, owner in [
        ("class_weights", class_weights, "cross_entropy"),
        ("alpha", alpha, "focal"),
        ("drw_epoch", drw_epoch, "ldam"),
    ]:
        if value is not None and method != owner:
            raise ValueError(f"{name} applies only to method {owner!r}, not {method!r}")
    for name, value in [("class_weights", class_weights), ("alpha", alpha)]:
        if value is not None and len(value) != num_classes:
            raise ValueError(f"{name} has {len(value)} entries for {num_classes} classes")

    if method == "cross_entropy":
        return ImbalanceLoss(method, num_classes, weight=class_weights)
    if method == "class_balanced":
        return ImbalanceLoss(method, num_classes, weight=class_balanced_weights(counts, beta))
    if method == "focal":
        if gamma < 0:
            raise ValueError(f"focal gamma must be >= 0, got {gamma}")
        return ImbalanceLoss(method, num_classes, gamma=gamma, alpha=alpha)
    if method == "ldam":
        if drw_epoch is not None and drw_epoch < 0:
            raise ValueError(f"drw_epoch must be >= 0 or None, got {drw_epoch}")
        late = None if drw_epoch is None else class_balanced_weights(counts, beta)
        return ImbalanceLoss(
            method,
            num_classes,
            late_weight=late,
            late_epoch=drw_epoch,
            margins=ldam_margins(counts, max_margin),
            scale=scale,
        )
    if method == "logit_adjusted":
        return ImbalanceLoss(method, num_classes, logit_offset=tau * log_prior(counts))
    # balanced_softmax: log n_c is log pi_c plus a constant, which softmax ignores.
    _check_counts(counts)
    log_counts = torch.tensor(counts, dtype=torch.float64).log().float()  # (C,)
    return ImbalanceLoss(method, num_classes, logit_offset=log_counts)


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
