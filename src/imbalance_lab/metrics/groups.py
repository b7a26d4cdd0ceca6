"""The minority set I and the majority set A as names: pure Python, no torch, so that the report
reads rates with the same rules as the metric computes them."""

from __future__ import annotations

GROUP_PAIRS = (("I", "I"), ("I", "A"), ("A", "I"), ("A", "A"))


def rate_name(source: str, target: str) -> str:
    """Returns the metric key of p_{source->target}, e.g. 'p_I_to_A'."""
    return f"p_{source}_to_{target}"


def landing_classes(minority: list[int], num_classes: int) -> dict[tuple[str, str], int]:
    """Returns how many wrong classes an error from group a can land in within group b:
    k_b for a != b, k_b - 1 for a == b (a class is never its own error)."""
    sizes = {"I": len(set(minority)), "A": num_classes - len(set(minority))}
    return {(a, b): sizes[b] - (a == b) for a, b in GROUP_PAIRS}
