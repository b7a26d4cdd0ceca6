"""What an imbalance profile and a method ask of the training set: pure functions from plain
values to per-class counts, so that every rank and every resumed run computes the same."""

from __future__ import annotations

from dataclasses import dataclass

from imbalance_lab import imbalance, profiles, sampling


@dataclass(frozen=True)
class DataPlan:
    """Per-class image counts: `counts` kept from the data (the imbalanced set), `train_counts`
    trained on per epoch after re-sampling, and the minority set I used by the p-rates."""

    counts: list[int]
    train_counts: list[int]
    minority: list[int]


def plan_data(
    *,
    profile: str,
    minority: list[int],
    mu: float | None,
    n_max: int,
    rho: float,
    method: str,
    inv_rho: float,
    q: float,
    seed: int,
    num_classes: int = 10,
    available: list[int] | None = None,
) -> DataPlan:
    """Returns the counts of the profile and the re-sampling of the method.

    step: `minority` keeps round(n_max / rho) per class, or with mu a seeded draw of
    round(mu * C) classes (Buda et al. 2018). linear / exp: counts fall linearly /
    exponentially from n_max to n_max / rho over a seeded class order, and the minority set
    is the half of the classes with the fewest images. original: every one of the `available`
    images per class (the training split after the validation split), as the study trained
    its baselines; `minority` names I.
    """
    if profile == "original":
        if available is None:
            raise ValueError("profile 'original' needs the available per-class counts")
        counts = list(available)
    elif profile == "step":
        if mu is not None:
            minority = profiles.draw_minority(num_classes, mu, seed)
        counts = imbalance.step_class_counts(minority, n_max, rho, num_classes)
    else:
        order = profiles.class_order(num_classes, seed)
        by_profile = {"linear": profiles.linear_class_counts, "exp": profiles.exp_class_counts}
        counts = by_profile[profile](order, n_max, rho)
        minority = profiles.minority_of(counts)
    minority = sorted(minority)

    if method in ("ros", "two_phase"):
        # Every class below round(n_max * inv_rho) is filled up (for step: the minority set).
        every_class = list(range(num_classes))
        train_counts = imbalance.ros_class_counts(counts, every_class, max(counts), inv_rho)
    elif method == "rus":
        train_counts = sampling.rus_class_counts(counts, minority, inv_rho)
    elif method == "sqrt":
        train_counts = sampling.power_class_counts(counts, q)
    else:
        train_counts = list(counts)
    return DataPlan(counts=counts, train_counts=train_counts, minority=minority)
