"""The seeded draws of the profiles: a minority set I, a class order. A torch.Generator seeded
by `seed` makes them, so that a seed fixes the profile on every rank and every resume."""

from __future__ import annotations

import torch


def draw_minority(num_classes: int, mu: float, seed: int) -> list[int]:
    """Returns the sorted minority classes of a step profile: round(mu * C) of them, seeded.

    Buda et al. 2018's step imbalance by fraction: mu in [0, 1] is the share of minority
    classes. The number is kept in [1, C - 1] so that both a minority and a majority set exist
    (the p-rates compare the two). round() is Python's: halves go to the even number.
    """
    if num_classes < 2:
        raise ValueError(f"a step profile needs at least 2 classes, got {num_classes}")
    if not 0.0 <= mu <= 1.0:
        raise ValueError(f"mu is a fraction of the classes, in [0, 1], got {mu}")
    return draw_classes(num_classes, minority_size(num_classes, mu), seed)


def minority_size(num_classes: int, mu: float) -> int:
    """Returns round(mu * C) kept in [1, C - 1]: both I and A keep a class."""
    return min(max(round(mu * num_classes), 1), num_classes - 1)


def draw_classes(num_classes: int, k: int, seed: int) -> list[int]:
    """Returns k of the num_classes classes, sorted, drawn uniformly by a generator seeded with
    seed: a minority set I of its own seed, apart from the training seed (imbalance.
    partition_seed), so one data set is judged over several partitions I | A."""
    if not 1 <= k <= num_classes - 1:
        raise ValueError(f"a minority set has 1 to {num_classes - 1} classes, got {k}")
    generator = torch.Generator().manual_seed(seed)
    return sorted(torch.randperm(num_classes, generator=generator)[:k].tolist())


def class_order(num_classes: int, seed: int) -> list[int]:
    """Returns a seeded permutation of range(num_classes): order[0] keeps the most images."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randperm(num_classes, generator=generator).tolist()
