"""The study's error-flow rates p_{a->b} between the minority set I and the majority set A.

torchmetrics has the confusion matrix but not this summary of it, so the summary is written
here: the maths as module-level functions, the Metric class a thin stateful wrapper.
"""

from __future__ import annotations

import torch
from torchmetrics import Metric

from imbalance_lab.metrics.groups import landing_classes
from imbalance_lab.metrics.names import GROUP_PAIRS, per_class, rate_name


def confusion_counts(preds: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Returns the (C, C) confusion matrix, rows = true label, columns = prediction.

    preds are labels (N,) or scores (N, C), whose argmax is taken.
    """
    if preds.ndim == 2:
        preds = preds.argmax(dim=1)
    flat = target.long() * num_classes + preds.long()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


def group_masks(minority: list[int], num_classes: int, device=None) -> dict[str, torch.Tensor]:
    """Returns boolean (C,) masks of the minority set 'I' and the majority set 'A'."""
    is_minority = torch.zeros(num_classes, dtype=torch.bool, device=device)
    is_minority[list(minority)] = True
    return {"I": is_minority, "A": ~is_minority}


def group_error_rates(confmat: torch.Tensor, minority: list[int]) -> dict[str, torch.Tensor]:
    """Returns p_{a->b} = #{misclassified, label in a, prediction in b} / #{label in a}.

    The study's definition: the four rates of a group add up to that group's error rate.
    A group with no samples gives NaN.
    """
    masks = group_masks(minority, confmat.shape[0], confmat.device)
    errors = confmat.clone().fill_diagonal_(0).double()
    rates = {}
    for source, target in GROUP_PAIRS:
        rows = masks[source]
        wrong = errors[rows][:, masks[target]].sum()
        rates[rate_name(source, target)] = wrong / confmat[rows].sum().double()
    return rates


class GroupErrorRates(Metric):
    """torchmetrics Metric of the four p-rates; its state, the confusion matrix, is summed
    across processes, so the rates are right under DDP."""

    is_differentiable = False
    higher_is_better = False
    full_state_update = False

    def __init__(self, minority: list[int], num_classes: int, **kwargs):
        super().__init__(**kwargs)
        self.minority = sorted(set(int(c) for c in minority))
        self.num_classes = num_classes
        # The wrong classes each rate can land in, per (source, target) group: fixed per run.
        self.landing = landing_classes(self.minority, num_classes)
        self.add_state(
            "confmat",
            default=torch.zeros(num_classes, num_classes, dtype=torch.long),
            dist_reduce_fx="sum",
        )

    def update(self, preds: torch.Tensor, target: torch.Tensor) -> None:
        """Adds a batch: preds (N,) labels or (N, C) scores, target (N,) labels."""
        self.confmat += confusion_counts(preds, target, self.num_classes)

    def compute(self) -> dict[str, torch.Tensor]:
        """Returns the four rates {'p_I_to_I', ..., 'p_A_to_A'} and each divided by the wrong
        classes it can land in ('p_I_to_I_per_class', ...: metrics/groups.py's rule; NaN where
        there is none) as 0-d tensors, and keeps the confusion matrix summed over ranks
        (torchmetrics syncs only inside compute) as `last_confusion` for the run's figure."""
        self.last_confusion = self.confmat.clone()
        rates = group_error_rates(self.confmat, self.minority)
        for source, target in GROUP_PAIRS:
            rate = rates[rate_name(source, target)]
            count = self.landing[source, target]
            rates[per_class(rate_name(source, target))] = (
                rate / count if count else torch.full_like(rate, float("nan"))
            )
        return rates
