"""The minority set I and the majority set A: the rates' names and counting rules, pure Python
(no torch), so that the report reads rates with the same rules as the metric computes them.
metrics/names.py names every metric, these rates among them."""

from __future__ import annotations

from collections.abc import Mapping

GROUP_PAIRS = (("I", "I"), ("I", "A"), ("A", "I"), ("A", "A"))
PER_CLASS = "_per_class"  # a rate divided by the classes it can land in


def rate_name(source: str, target: str) -> str:
    """Returns the metric key of p_{source->target}, e.g. 'p_I_to_A'."""
    return f"p_{source}_to_{target}"


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
        f"{rate_name(a, b)}{PER_CLASS}": (
            float(rates[rate_name(a, b)]) / slots[a, b] if slots[a, b] else float("nan")
        )
        for a, b in GROUP_PAIRS
    }
