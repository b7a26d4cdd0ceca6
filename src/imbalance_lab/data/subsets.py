"""Index draws into one split: the validation split, the images kept per class, and the
re-sampling that realises a plan's per-class counts (more: a class's own images again, with
replacement; fewer: a draw without replacement), and the count of each class.

Everything works on index tensors into one split (nothing copies images) and draws with an
explicit torch.Generator, so that a seed fixes every subset. Written by hand because
imbalanced-learn's samplers work on numpy feature arrays and their own seeding; here only
indices move and one generator drives a run.
"""

from __future__ import annotations

import torch


def count_classes(labels: torch.Tensor, num_classes: int) -> list[int]:
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


def _classes_of(labels: torch.Tensor, indices: torch.Tensor, targets: list[int]) -> torch.Tensor:
    """Returns the class (int64) of each entry of `indices` (N,) after checking that every class
    present has a target and that no target is negative."""
    classes = labels[indices].long()
    if len(classes) and int(classes.max()) >= len(targets):
        raise ValueError(f"indices hold class {int(classes.max())}; targets has {len(targets)}")
    if any(t < 0 for t in targets):
        raise ValueError(f"targets must be non-negative, got {targets}")
    return classes


def undersample(
    labels: torch.Tensor, indices: torch.Tensor, targets: list[int], generator: torch.Generator
) -> torch.Tensor:
    """Returns the entries of `indices` kept when each class c is cut to exactly targets[c],
    drawn without replacement; the kept entries stay in their order in `indices`.

    A class asked for all its images keeps them without a draw, so the generator is only
    advanced by classes that are actually cut.
    """
    classes = _classes_of(labels, indices, targets)
    keep = torch.zeros(len(indices), dtype=torch.bool)
    for c, wanted in enumerate(targets):
        members = torch.nonzero(classes == c).flatten()  # positions in `indices`
        if wanted > len(members):
            raise ValueError(f"class {c} has {len(members)} images, {wanted} asked for")
        if wanted < len(members):
            members = members[torch.randperm(len(members), generator=generator)[:wanted]]
        keep[members] = True
    return indices[keep]


def resample(
    labels: torch.Tensor, indices: torch.Tensor, targets: list[int], generator: torch.Generator
) -> torch.Tensor:
    """Returns indices with exactly targets[c] images of each class c: a class with more
    images is cut without replacement, a class with fewer keeps all of them and draws the rest
    again with replacement.

    The kept entries come first, in their order in `indices`, then the repeats. When no class
    is cut this is oversample exactly, so ROS runs draw what they drew before.
    """
    classes = _classes_of(labels, indices, targets)
    have = torch.bincount(classes, minlength=len(targets)).tolist()
    for c, (wanted, n) in enumerate(zip(targets, have, strict=True)):
        if wanted > 0 and n == 0:
            raise ValueError(f"class {c} has no images to draw {wanted} from")
    kept = undersample(
        labels, indices, [min(t, n) for t, n in zip(targets, have, strict=True)], generator
    )
    return oversample(labels, kept, targets, generator)
