"""Seeded generators and label sets shared by the tests of the count and draw functions."""

import torch


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def random_labels(
    n: int = 600, num_classes: int = 10, seed: int = 0, dtype: torch.dtype = torch.int64
) -> torch.Tensor:
    """Returns (n,) labels of `dtype` with every class present (MNIST stores uint8)."""
    labels = torch.randint(num_classes, (n,), generator=gen(seed))
    labels[:num_classes] = torch.arange(num_classes)
    return labels.to(dtype)
