"""The counting rules of the minority set I and the majority set A: pure Python, no torch, so
that the report reads rates with the same rules as the metric computes them."""

from __future__ import annotations

from collections.abc import Mapping

from imbalance_lab.metrics.names import GROUP_PAIRS, per_class, rate_name

__all__ = ["GROUP_PAIRS", "landing_classes", "per_class_rates", "rate_name"]


def landing_classes(minority: list[int], num_classes: int) -> dict[tuple[str, str], int]:
    """Returns how many wrong classes an error from group a can land in within group b:
    k_b for a != b, k_b - 1 for a == b (a class is never its own error)."""
    sizes = {"I": len(set(minority)), "A": num_classes - len(set(minority))}
    return {(a, b): sizes[b] - (a == b) for a, b in GROUP_PAIRS}


def per_class_rates(
    rates: Mapping[str, float], minority: list[int], num_classes: int
) -> dict[str, float]:
    """Returns each p_{a->b} of `rates` divided by the number of classes it can land in (key
    suffix '_per_class'): with 5 + 5 classes an error spread at random lands in A 5 times for
    every 4 times in I, and this undoes that. nan where a rate has no class to land in."""
    slots = landing_classes(minority, num_classes)
    return {
        per_class(rate_name(a, b)): (
            float(rates[rate_name(a, b)]) / slots[a, b] if slots[a, b] else float("nan")
        )
        for a, b in GROUP_PAIRS
    }
