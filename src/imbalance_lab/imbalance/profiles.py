"""The profile table (PROFILES): how many images each class keeps and which classes form the
minority set I, with the `imbalance.*` settings of the profiles declared beside it. Pure Python.

Buda et al. 2018 ("A systematic study of the class imbalance problem in convolutional neural
networks") define step imbalance by the fraction mu of minority classes and linear imbalance
by counts falling linearly from n_max to n_max / rho. Cao et al. 2019 (LDAM, the CIFAR-10-LT /
CIFAR-100-LT benchmarks) use long-tailed counts that fall exponentially instead. The seeded
draws (a class order, a minority set) are imbalance/draws.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from imbalance_lab.setting import NULL, REQUIRED, Either, ListOf, Number, Setting


def step_class_counts(minority: list[int], n_max: int, rho: float, num_classes: int) -> list[int]:
    """Returns images kept per class: n_max for majority, round(n_max / rho) for minority."""
    n_min = round(n_max / rho)
    return [n_min if c in minority else n_max for c in range(num_classes)]


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


@dataclass(frozen=True)
class Profile:
    """An imbalance profile. ranked: its counts fall over a seeded order of the classes
    (graded(order, n_max, rho)) and I is the smaller half; otherwise I is listed (minority, or
    drawn by mu or partition_seed) and the counts are step's, or with every_image each class
    keeps every image the validation split leaves. reads: the settings below that it uses."""

    description: str
    reads: tuple[str, ...]
    graded: Callable[[list[int], int, float], list[int]] | None = None
    every_image: bool = False

    @property
    def ranked(self) -> bool:
        return self.graded is not None


PROFILES: dict[str, Profile] = {
    "step": Profile(
        "n_max images for each class of A, round(n_max / rho) for each class of I",
        reads=("minority", "mu", "partition_seed", "n_max", "rho"),
    ),
    "linear": Profile(
        "counts falling linearly from n_max to n_max / rho over a seeded class order, rounded "
        "half to even (Buda et al. 2018); I: the floor(C / 2) classes with the fewest images",
        reads=("n_max", "rho"),
        graded=linear_class_counts,
    ),
    "exp": Profile(
        "n_max rho^(-i / (C - 1)) for the class at rank i of a seeded order, the long tail of "
        "CIFAR-10-LT (Cao et al. 2019); I: the floor(C / 2) classes with the fewest images",
        reads=("n_max", "rho"),
        graded=exp_class_counts,
    ),
    "original": Profile(
        "every training image the validation split leaves, as the study trained its baselines "
        "(needs rho 1)",
        reads=("minority", "partition_seed"),
        every_image=True,
    ),
}

# The imbalance.* keys the profiles read (imbalance.profile names one: config/schema.py; the
# methods' keys are beside the method table).
PROFILE_SETTINGS = {
    "minority": Setting(
        REQUIRED,
        ListOf(Number(0, integer=True), distinct=True),
        "the minority set I (the other classes form A); the data config gives its default",
    ),
    "mu": Setting(
        None,
        Either((NULL, Number(0, 1, low_open=True, high_open=True))),
        "the fraction of the classes in I, drawn from the seed instead of minority",
    ),
    "partition_seed": Setting(
        None,
        Either((NULL, Number(0, 2**63 - 1, integer=True))),
        "draw I (as many classes as minority lists, or mu's) from this seed, apart from the "
        "training seed; null: I as listed",
    ),
    "n_max": Setting(
        REQUIRED,
        Number(1, integer=True),
        "images kept of the largest class; the data config gives its default",
    ),
    "rho": Setting(10, Number(1), "largest / smallest class: I keeps round(n_max / rho) a class"),
}
