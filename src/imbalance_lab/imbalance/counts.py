"""Imbalance profiles as pure functions: which classes are the minority, in which order
classes lose images, and how many images each class keeps (step, linear, exponential).

Buda et al. 2018 ("A systematic study of the class imbalance problem in convolutional neural
networks") define step imbalance by the fraction mu of minority classes and linear imbalance
by counts falling linearly from n_max to n_max / rho. Cao et al. 2019 (LDAM, the CIFAR-10-LT /
CIFAR-100-LT benchmarks) use long-tailed counts that fall exponentially instead. Draws use a
torch.Generator seeded by `seed`, so a seed fixes the profile on every rank and every resume.
"""

from __future__ import annotations

from fractions import Fraction

import torch


def class_counts(labels: torch.Tensor, num_classes: int) -> list[int]:
    """Returns how many of `labels` (N,) fall in each class."""
    return torch.bincount(labels.long(), minlength=num_classes).tolist()


def step_class_counts(minority: list[int], n_max: int, rho: float, num_classes: int) -> list[int]:
    """Returns images kept per class: n_max for majority, round(n_max / rho) for minority."""
    n_min = round(n_max / rho)
    return [n_min if c in minority else n_max for c in range(num_classes)]


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
    return draw_classes(num_classes, min(max(round(mu * num_classes), 1), num_classes - 1), seed)


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


def _check_profile(order: list[int], n_max: int, rho: float) -> int:
    """Returns C = len(order) after checking that order is a permutation and rho >= 1."""
    if not order or sorted(order) != list(range(len(order))):
        raise ValueError(f"order must be a permutation of range(C), got {order}")
    if rho < 1:
        raise ValueError(f"rho is largest / smallest class size, at least 1, got {rho}")
    if n_max < 0:
        raise ValueError(f"n_max must be non-negative, got {n_max}")
    return len(order)


def linear_class_counts(order: list[int], n_max: int, rho: float) -> list[int]:
    """Returns images kept per class (indexed by class) for Buda et al. 2018's linear profile.

    The class at rank i of `order` keeps round(n_max - i * (n_max - n_max / rho) / (C - 1)):
    rank 0 keeps n_max, rank C - 1 keeps round(n_max / rho), the steps between are equal.
    Halves round to the even number, as Python's round() does.
    """
    num_classes = _check_profile(order, n_max, rho)
    # Exact rational arithmetic on rho as written (Fraction("7.3") is 73/10): the line often
    # passes through halves (n_max 15, rho 10: 13.5, 10.5, ...; n_max 25, rho 3: 12.5), and
    # floating-point error would push those up or down instead of half to even, as round() does.
    n_min = Fraction(n_max) / Fraction(str(rho))
    step = (n_max - n_min) / (num_classes - 1) if num_classes > 1 else Fraction(0)
    counts = [0] * num_classes
    for rank, c in enumerate(order):
        counts[c] = round(n_max - rank * step)
    return counts


def exp_class_counts(order: list[int], n_max: int, rho: float) -> list[int]:
    """Returns images kept per class (indexed by class) for the long-tailed profile.

    The class at rank i of `order` keeps round(n_max * rho ** (-i / (C - 1))), the
    exponential decay of Cao et al. 2019's CIFAR-10-LT / CIFAR-100-LT: rank 0 keeps n_max,
    rank C - 1 keeps round(n_max / rho).
    """
    num_classes = _check_profile(order, n_max, rho)
    counts = [0] * num_classes
    for rank, c in enumerate(order):
        t = rank / (num_classes - 1) if num_classes > 1 else 0.0
        # Divided rather than multiplied by rho ** -t: at t = 1 this is n_max / rho exactly.
        counts[c] = round(n_max / rho**t)
    return counts


def minority_of(counts: list[int]) -> list[int]:
    """Returns the sorted minority set I of a graded profile: the floor(C / 2) classes with
    the fewest images, ties broken by the lower class index.

    A linear or exponential profile has no natural minority / majority split, but the
    p_{alpha->beta} rates need an explicit minority set I and majority set A. Taking the
    smaller half mirrors the study's 5 + 5 step split on MNIST, so rates from every profile
    compare like for like. With rho = 1 all counts tie and I is range(floor(C / 2)).
    """
    by_size = sorted(range(len(counts)), key=lambda c: (counts[c], c))
    return sorted(by_size[: len(counts) // 2])
