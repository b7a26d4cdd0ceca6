"""Pure functions that turn a balanced label set into the study's imbalanced training set.

Everything here works on index tensors into one split; nothing copies images. Draws use an
explicit torch.Generator so that a seed fixes every subset.
"""

from __future__ import annotations

import torch

NUM_CLASSES = 10


def step_class_counts(minority: list[int], n_max: int, rho: float, num_classes: int) -> list[int]:
    """Returns images kept per class: n_max for majority, round(n_max / rho) for minority."""
    n_min = round(n_max / rho)
    return [n_min if c in minority else n_max for c in range(num_classes)]


def ros_class_counts(
    counts: list[int], minority: list[int], n_max: int, inv_rho: float
) -> list[int]:
    """Returns per-class counts after random over-sampling minority classes to n_max * inv_rho.

    A class already at or above the target keeps its count: ROS never removes images.
    """
    target = round(n_max * inv_rho)
    return [max(n, target) if c in minority else n for c, n in enumerate(counts)]


def class_counts(labels: torch.Tensor, num_classes: int) -> list[int]:
    """Returns how many of `labels` (N,) fall in each class."""
    return torch.bincount(labels.long(), minlength=num_classes).tolist()


def split_per_class(
    labels: torch.Tensor, per_class: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (rest, held_out) indices into labels; held_out has per_class images of each class."""
    held_out = []
    for c in labels.unique().tolist():
        members = torch.nonzero(labels == c).flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        held_out.append(members[:per_class])
    held = torch.cat(held_out).sort().values
    keep = torch.ones(len(labels), dtype=torch.bool)
    keep[held] = False
    return torch.nonzero(keep).flatten(), held


def draw_per_class(
    labels: torch.Tensor, pool: torch.Tensor, counts: list[int], generator: torch.Generator
) -> torch.Tensor:
    """Returns indices from `pool` with exactly counts[c] images of class c, drawn without
    replacement. The caller has checked that each class has enough images in the pool."""
    chosen = []
    for c, wanted in enumerate(counts):
        members = pool[labels[pool] == c]
        chosen.append(members[torch.randperm(len(members), generator=generator)[:wanted]])
    return torch.cat(chosen).sort().values


def oversample(
    labels: torch.Tensor, indices: torch.Tensor, targets: list[int], generator: torch.Generator
) -> torch.Tensor:
    """Returns `indices` plus, for each class below targets[c], its own images drawn again with
    replacement until it has targets[c] (random over-sampling, as imbalanced-learn does)."""
    extra = []
    for c, wanted in enumerate(targets):
        members = indices[labels[indices] == c]
        missing = wanted - len(members)
        if missing > 0:
            picks = torch.randint(len(members), (missing,), generator=generator)
            extra.append(members[picks])
    return torch.cat([indices, *extra])


def minority_weights(num_classes: int, minority: list[int], weight: float) -> list[float]:
    """Returns cross-entropy class weights: `weight` on minority classes, 1 on majority ones."""
    return [float(weight) if c in minority else 1.0 for c in range(num_classes)]


def inverse_frequency_weights(counts: list[int]) -> list[float]:
    """Returns w_c = N / (C * n_c), the 'balanced' weights: 1 everywhere on a balanced set."""
    total, num_classes = sum(counts), len(counts)
    return [total / (num_classes * n) for n in counts]
