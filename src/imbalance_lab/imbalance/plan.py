"""What an imbalance profile and a method ask of the training set: pure functions from plain
values to per-class counts, so that every rank and every resumed run computes the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from imbalance_lab.imbalance import counts as profiles
from imbalance_lab.imbalance import resampling
from imbalance_lab.imbalance.methods import method_named


@dataclass(frozen=True)
class DataPlan:
    """Per-class image counts: `counts` kept from the data (the imbalanced set), `train_counts`
    trained on per epoch after re-sampling, and the minority set I used by the p-rates."""

    counts: list[int]
    train_counts: list[int]
    minority: list[int]


def profile_counts(
    *,
    profile: str,
    minority: list[int],
    mu: float | None,
    n_max: int,
    rho: float,
    seed: int,
    num_classes: int,
    available: list[int] | None = None,
    partition_seed: int | None = None,
) -> tuple[list[int], list[int]]:
    """Returns (images kept per class, the sorted minority set I) of an imbalance profile.

    step: `minority` keeps round(n_max / rho) per class, or with mu a seeded draw of
    round(mu * C) classes (Buda et al. 2018). linear / exp: counts fall linearly /
    exponentially from n_max to n_max / rho over a seeded class order, and the minority set
    is the half of the classes with the fewest images. original: every one of the `available`
    images per class (the training split after the validation split), as the study trained
    its baselines; `minority` names I. With partition_seed (step and original), I is instead a
    draw of as many classes from that seed (round(mu * C) with mu), apart from the training seed.
    """
    if partition_seed is not None:
        size = (
            len(minority) if mu is None else min(max(round(mu * num_classes), 1), num_classes - 1)
        )
        minority, mu = profiles.draw_classes(num_classes, size, partition_seed), None
    if profile == "original":
        if available is None:
            raise ValueError("profile 'original' needs the available per-class counts")
        counts = list(available)
    elif profile == "step":
        if mu is not None:
            minority = profiles.draw_minority(num_classes, mu, seed)
        counts = profiles.step_class_counts(minority, n_max, rho, num_classes)
    else:
        order = profiles.class_order(num_classes, seed)
        by_profile = {"linear": profiles.linear_class_counts, "exp": profiles.exp_class_counts}
        counts = by_profile[profile](order, n_max, rho)
        minority = profiles.minority_of(counts)
    return counts, sorted(minority)


def resampled_counts(
    sampling: str | None, counts: list[int], minority: list[int], settings: Mapping[str, object]
) -> list[int]:
    """Returns the per-class counts trained on per epoch after `sampling` (a Method's), read
    with the method's own settings (inv_rho for over / under, q for power)."""
    if sampling == "over":
        # Every class below round(max n_c * inv_rho) is filled up (for step: the minority set).
        every_class = list(range(len(counts)))
        return resampling.ros_class_counts(
            counts, every_class, max(counts), float(settings["inv_rho"])
        )
    if sampling == "under":
        return resampling.rus_class_counts(counts, minority, float(settings["inv_rho"]))
    if sampling == "power":
        return resampling.power_class_counts(counts, float(settings["q"]))
    return list(counts)


def plan_data(
    *,
    method: str,
    settings: Mapping[str, object],
    profile: str,
    minority: list[int],
    mu: float | None,
    n_max: int,
    rho: float,
    seed: int,
    num_classes: int,
    available: list[int] | None = None,
    partition_seed: int | None = None,
) -> DataPlan:
    """Returns the counts of the profile (see profile_counts) and of the method's re-sampling
    (see resampled_counts), the method's own settings given as `settings`."""
    counts, minority = profile_counts(
        profile=profile,
        minority=minority,
        mu=mu,
        n_max=n_max,
        rho=rho,
        seed=seed,
        num_classes=num_classes,
        available=available,
        partition_seed=partition_seed,
    )
    train_counts = resampled_counts(method_named(method).sampling, counts, minority, settings)
    return DataPlan(counts=counts, train_counts=train_counts, minority=minority)
