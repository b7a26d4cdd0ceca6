"""Batches taken by indexing tensors that already sit on the training device.

Replaces DataLoader + per-sample __getitem__: one gather per batch, no worker processes, no
host-to-device copy per step. Lightning accepts any sized iterable as a dataloader.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch


class EpochOrder:
    """The order of the N samples in one epoch: a permutation seeded by (seed, epoch), so a run
    resumed at epoch e sees the batches an uninterrupted run sees. Lightning calls set_epoch.

    Under DDP each of the world_size ranks takes every world_size-th position. Training orders
    are padded by repeating their head until they divide evenly (as DistributedSampler does),
    so up to world_size - 1 images are seen twice per epoch and every rank runs the same number
    of steps; evaluation orders are not padded, so every test image counts exactly once.
    """

    def __init__(self, size: int, shuffle: bool, seed: int, rank: int = 0, world_size: int = 1):
        self.size, self.shuffle, self.seed = size, shuffle, seed
        self.rank, self.world_size = rank, world_size
        self.pad = shuffle  # only training shuffles
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        if self.pad:
            return -(-self.size // self.world_size)
        return len(range(self.rank, self.size, self.world_size))

    def indices(self) -> torch.Tensor:
        """Returns this rank's sample indices (CPU, int64) for the current epoch."""
        if self.shuffle:
            generator = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
            order = torch.randperm(self.size, generator=generator)
        else:
            order = torch.arange(self.size)
        padded = -(-self.size // self.world_size) * self.world_size
        if self.pad and padded > self.size:
            order = order.repeat(-(-padded // self.size))[:padded]
        return order[self.rank :: self.world_size]


class TensorBatches:
    """Iterates (images, labels) batches of tensors held whole on one device."""

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int,
        order: EpochOrder,
        drop_last: bool = False,
    ):
        self.images, self.labels = images, labels
        self.batch_size, self.drop_last = batch_size, drop_last
        # The names Lightning inspects on a DataLoader: it calls sampler.set_epoch each epoch.
        self.sampler, self.batch_sampler = order, None

    def __len__(self) -> int:
        per_rank = len(self.sampler)
        if self.drop_last:
            return per_rank // self.batch_size
        return -(-per_rank // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = self.sampler.indices().to(self.images.device)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            index = order[start : start + self.batch_size]
            yield self.images[index], self.labels[index]
