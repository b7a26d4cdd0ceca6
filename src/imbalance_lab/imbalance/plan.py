"""What an imbalance profile and a method ask of the training set: the images kept per class,
the images trained on per epoch after the method's re-sampling, and the minority set I, from the
imbalance config's plain values, so that every rank and every resumed run computes the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from imbalance_lab.imbalance.draws import class_order, draw_classes, draw_minority, minority_size
from imbalance_lab.imbalance.methods import method_named, settings_of
from imbalance_lab.imbalance.profiles import PROFILES, minority_of, step_class_counts
from imbalance_lab.imbalance.sampling import SAMPLINGS


@dataclass(frozen=True)
class DataPlan:
    """Per-class image counts: `counts` kept from the data (the imbalanced set), `train_counts`
    trained on per epoch after re-sampling, and the minority set I used by the p-rates."""

    counts: list[int]
    train_counts: list[int]
    minority: list[int]


def listed_minority(imbalance: Mapping[str, object], seed: int, num_classes: int) -> list[int]:
    """Returns I of a profile that lists it: with partition_seed, a draw from that seed of as
    many classes as minority lists (round(mu * C) with mu), apart from the training seed; else
    with mu a draw of round(mu * C) classes from the training seed (Buda et al. 2018); else
    minority as listed."""
    minority, mu, partition_seed = (imbalance[k] for k in ("minority", "mu", "partition_seed"))
    if partition_seed is not None:
        size = len(minority) if mu is None else minority_size(num_classes, mu)
        return draw_classes(num_classes, size, partition_seed)
    if mu is not None:
        return draw_minority(num_classes, mu, seed)
    return list(minority)


def profile_counts(
    imbalance: Mapping[str, object],
    seed: int,
    num_classes: int,
    available: list[int] | None = None,
) -> tuple[list[int], list[int]]:
    """Returns (images kept per class, the sorted minority set I) of the profile that
    imbalance['profile'] names (PROFILES). available: the images per class the validation split
    leaves, which a profile keeping every image needs."""
    profile = PROFILES[imbalance["profile"]]
    n_max, rho = imbalance["n_max"], float(imbalance["rho"])
    if profile.ranked:
        counts = profile.graded(class_order(num_classes, seed), n_max, rho)
        return counts, minority_of(counts)
    minority = sorted(listed_minority(imbalance, seed, num_classes))
    if not profile.every_image:
        return step_class_counts(minority, n_max, rho, num_classes), minority
    if available is None:
        raise ValueError(f"profile {imbalance['profile']!r} needs the available per-class counts")
    return list(available), minority


def plan_data(
    imbalance: Mapping[str, object],
    seed: int,
    num_classes: int,
    available: list[int] | None = None,
) -> DataPlan:
    """Returns the counts of the profile (profile_counts) and of the method's re-sampling
    (SAMPLINGS, with the method's own settings), from the imbalance config's values."""
    counts, minority = profile_counts(imbalance, seed, num_classes, available)
    name = str(imbalance["method"])
    sampling = method_named(name).sampling
    train_counts = list(counts)
    if sampling is not None:
        train_counts = SAMPLINGS[sampling](counts, minority, settings_of(name, imbalance))
    return DataPlan(counts=counts, train_counts=train_counts, minority=minority)
