"""The sampling table (SAMPLINGS): how a method re-samples the kept images, as per-class counts
trained on per epoch: random over-sampling (ROS), random under-sampling (RUS), and sampling in
proportion to n_c ** q (class-balanced, square-root). Pure functions of plain lists; the index
draws that realise the counts are data/subsets.py's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping


def ros_class_counts(
    counts: list[int], minority: list[int], n_max: int, inv_rho: float
) -> list[int]:
    """Returns per-class counts after random over-sampling minority classes to n_max * inv_rho.

    A class already at or above the target keeps its count: ROS never removes images.
    """
    target = round(n_max * inv_rho)
    return [max(n, target) if c in minority else n for c, n in enumerate(counts)]


def rus_class_counts(counts: list[int], minority: list[int], inv_rho: float) -> list[int]:
    """Returns per-class counts after random under-sampling of the majority classes.

    Each majority class is cut to max(n_min, round(n_min / inv_rho)), n_min the smallest
    minority count, and never raised above its own count; minority classes keep theirs. For a
    step profile the largest / smallest ratio becomes 1 / inv_rho (Buda et al. 2018's RUS);
    inv_rho = 1 balances every class down to n_min.
    """
    if not minority:
        raise ValueError("random under-sampling needs a non-empty minority set")
    if inv_rho <= 0:
        raise ValueError(f"inv_rho must be positive, got {inv_rho}")
    n_min = min(counts[c] for c in minority)
    target = max(n_min, round(n_min / inv_rho))
    return [n if c in minority else min(n, target) for c, n in enumerate(counts)]


def power_class_counts(counts: list[int], q: float) -> list[int]:
    """Returns per-class counts with the same total N, class c drawn in proportion to n_c ** q.

    q = 1 keeps the counts (instance-balanced), q = 0 balances them (class-balanced), q = 0.5 is
    square-root sampling (Mahajan et al. 2018; Kang et al. 2020's decoupling study). Class c
    gets N * n_c**q / sum_k n_k**q rounded so that the total is exactly N: each class gets the
    floor, and the remainder goes one each to the largest fractional parts, ties to the lower
    class index (largest-remainder rounding). A class with no images gets none, even at q = 0.
    """
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    # 0 ** 0 is 1 in Python; an empty class has nothing to draw, so its weight is 0.
    weights = [float(n) ** q if n > 0 else 0.0 for n in counts]
    scale = sum(weights)
    ideal = [total * w / scale for w in weights]
    floors = [math.floor(x) for x in ideal]
    remainder = total - sum(floors)
    by_fraction = sorted(range(len(counts)), key=lambda c: (floors[c] - ideal[c], c))
    for c in by_fraction[:remainder]:
        floors[c] += 1
    return floors


def _over(counts: list[int], minority: list[int], settings: Mapping[str, object]) -> list[int]:
    # Every class below round(max n_c * inv_rho) is filled up (for step: the minority set).
    every_class = list(range(len(counts)))
    return ros_class_counts(counts, every_class, max(counts), float(settings["inv_rho"]))


def _under(counts: list[int], minority: list[int], settings: Mapping[str, object]) -> list[int]:
    return rus_class_counts(counts, minority, float(settings["inv_rho"]))


def _power(counts: list[int], minority: list[int], settings: Mapping[str, object]) -> list[int]:
    return power_class_counts(counts, float(settings["q"]))


# name -> (kept counts, minority set, the method's own settings) -> counts trained on per epoch.
# A method names its sampling in imbalance.methods.METHODS.
SAMPLINGS: dict[str, Callable[[list[int], list[int], Mapping[str, object]], list[int]]] = {
    "over": _over,
    "under": _under,
    "power": _power,
}
