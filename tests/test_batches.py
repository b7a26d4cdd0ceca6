"""Epoch orders and on-device batches: coverage, seeding, DDP shards, drop_last."""

from __future__ import annotations

import pytest
import torch

from imbalance_lab.data.batches import EpochOrder, TensorBatches


def numbered(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (images (size, 1, 2, 2), labels (size,)) where both encode the sample index."""
    index = torch.arange(size)
    return index.float().view(size, 1, 1, 1).expand(size, 1, 2, 2).clone(), index


def seen(batches: TensorBatches) -> list[int]:
    """Returns the sample indices of one pass, in order; checks images and labels agree."""
    out = []
    for images, labels in batches:
        assert images.shape[1:] == (1, 2, 2)
        assert torch.equal(images[:, 0, 0, 0].long(), labels)
        out += labels.tolist()
    return out


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("size", "batch_size"), [(100, 10), (103, 10), (7, 32), (64, 1)])
def test_every_index_once_per_epoch(shuffle, size, batch_size):
    batches = TensorBatches(*numbered(size), batch_size, EpochOrder(size, shuffle, seed=0))
    batch_sizes = [len(labels) for _, labels in batches]
    assert len(batches) == len(batch_sizes) == -(-size // batch_size)
    assert all(n == batch_size for n in batch_sizes[:-1])
    order = seen(batches)
    assert sorted(order) == list(range(size))
    assert (order == list(range(size))) == (not shuffle or size == 1)


def test_shuffle_false_keeps_the_data_order():
    batches = TensorBatches(*numbered(25), 4, EpochOrder(25, shuffle=False, seed=3))
    assert seen(batches) == list(range(25))


def test_epoch_and_seed_fix_the_order():
    order = EpochOrder(200, shuffle=True, seed=1)
    epoch0 = order.indices()
    assert torch.equal(order.indices(), epoch0)
    order.set_epoch(1)
    epoch1 = order.indices()
    assert not torch.equal(epoch1, epoch0)
    order.set_epoch(0)
    assert torch.equal(order.indices(), epoch0)
    # A fresh object (a resumed run) at the same (seed, epoch) gives the same order.
    resumed = EpochOrder(200, shuffle=True, seed=1)
    resumed.set_epoch(1)
    assert torch.equal(resumed.indices(), epoch1)
    assert not torch.equal(EpochOrder(200, shuffle=True, seed=2).indices(), epoch0)


def test_batches_follow_set_epoch_on_the_sampler():
    # Lightning calls dataloader.sampler.set_epoch(e); the next pass must use epoch e's order.
    batches = TensorBatches(*numbered(50), 8, EpochOrder(50, shuffle=True, seed=0))
    first = seen(batches)
    assert seen(batches) == first
    batches.sampler.set_epoch(3)
    third = seen(batches)
    assert third != first and sorted(third) == list(range(50))


@pytest.mark.parametrize("world_size", [2, 3, 4])
@pytest.mark.parametrize("size", [100, 101, 103])
def test_training_shards_are_equal_and_overlap_only_in_padding(world_size, size):
    shards = []
    for rank in range(world_size):
        order = EpochOrder(size, shuffle=True, seed=5, rank=rank, world_size=world_size)
        order.set_epoch(2)
        shard = order.indices().tolist()
        assert len(shard) == len(order) == -(-size // world_size)
        assert len(set(shard)) == len(shard)
        shards.append(shard)
    everything = [i for shard in shards for i in shard]
    assert set(everything) == set(range(size))
    repeats = len(everything) - size
    assert repeats == -size % world_size
    assert repeats <= world_size - 1


@pytest.mark.parametrize("world_size", [2, 3])
@pytest.mark.parametrize("size", [100, 101])
def test_evaluation_shards_are_disjoint_and_cover_once(world_size, size):
    shards = [
        EpochOrder(size, shuffle=False, seed=0, rank=rank, world_size=world_size)
        for rank in range(world_size)
    ]
    everything = []
    for order in shards:
        shard = order.indices().tolist()
        assert len(shard) == len(order)
        everything += shard
    assert sorted(everything) == list(range(size))


def test_ddp_batches_count_matches_each_rank():
    images, labels = numbered(101)
    for rank in range(2):
        train = TensorBatches(images, labels, 10, EpochOrder(101, True, 0, rank, 2))
        assert len(train) == len(list(train)) == 6  # 51 per rank after padding
        test = TensorBatches(images, labels, 10, EpochOrder(101, False, 0, rank, 2))
        assert sum(len(y) for _, y in test) == (51, 50)[rank]


@pytest.mark.parametrize("shuffle", [False, True])
def test_drop_last_drops_the_partial_batch(shuffle):
    batches = TensorBatches(*numbered(103), 10, EpochOrder(103, shuffle, seed=0), drop_last=True)
    sizes = [len(labels) for _, labels in batches]
    assert len(batches) == len(sizes) == 10
    assert sizes == [10] * 10
    order = seen(batches)
    assert len(set(order)) == 100


def test_drop_last_with_exact_division_keeps_everything():
    batches = TensorBatches(*numbered(40), 10, EpochOrder(40, False, seed=0), drop_last=True)
    assert len(batches) == 4
    assert seen(batches) == list(range(40))


def test_lightning_sees_a_sampler():
    order = EpochOrder(10, True, seed=0)
    batches = TensorBatches(*numbered(10), 4, order)
    assert batches.sampler is order
    assert batches.batch_sampler is None


def test_training_shards_equal_when_world_size_exceeds_size():
    # 1 sample on 3 ranks: padding needs 2 repeats, order[:2] holds only 1, rank 2 gets none.
    lengths = [len(EpochOrder(1, True, 0, rank, 3).indices()) for rank in range(3)]
    assert lengths == [len(EpochOrder(1, True, 0, rank, 3)) for rank in range(3)]
