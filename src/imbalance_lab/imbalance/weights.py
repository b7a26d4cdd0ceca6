"""Per-class loss weights from the training counts: pure functions of plain lists."""

from __future__ import annotations


def minority_weights(num_classes: int, minority: list[int], weight: float) -> list[float]:
    """Returns cross-entropy class weights: `weight` on minority classes, 1 on majority ones."""
    return [float(weight) if c in minority else 1.0 for c in range(num_classes)]


def inverse_frequency_weights(counts: list[int]) -> list[float]:
    """Returns w_c = N / (C * n_c), the 'balanced' weights: 1 everywhere on a balanced set."""
    total, num_classes = sum(counts), len(counts)
    return [total / (num_classes * n) for n in counts]


def class_balanced_weights(counts: list[int], beta: float) -> list[float]:
    """Returns the class-balanced weights of Cui et al. 2019, "Class-Balanced Loss Based on
    Effective Number of Samples": w_c = (1 - beta) / (1 - beta^{n_c}), i.e. one over the
    effective number of samples, scaled so that sum_c w_c = C. beta = 0 gives all ones;
    beta -> 1 tends to inverse-frequency weights."""
    if len(counts) == 0 or min(counts) <= 0:
        raise ValueError(f"every class needs at least one training image, got counts {counts}")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1), got {beta}")
    raw = [(1.0 - beta) / (1.0 - beta**n) for n in counts]  # Python floats: double precision
    total = sum(raw)
    return [len(counts) * w / total for w in raw]
