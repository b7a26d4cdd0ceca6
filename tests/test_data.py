"""ImbalancedData: the splits it builds from real MNIST and the batches it hands over."""

import pytest
import torch

from imbalance_lab.data.datamodule import ImbalancedData
from imbalance_lab.errors import ConfigError

from helpers import MNIST_SPEC


class FakeTrainer:
    """Just the attributes on_after_batch_transfer reads."""

    def __init__(self, training: bool, epoch: int = 0):
        self.training, self.current_epoch, self.global_rank = training, epoch, 0


STEP = [30] * 5 + [300] * 5  # step imbalance, rho 10 on n_max 300, minority digits 0-4


def build(**kwargs) -> ImbalancedData:
    datamodule = ImbalancedData(
        class_counts=STEP, **{"spec": MNIST_SPEC, "val_per_class": 400, **kwargs}
    )
    datamodule.setup("fit")
    return datamodule


def test_splits_have_the_asked_counts():
    datamodule = build(val_per_class=30)
    train_labels = datamodule.splits["train"][1]
    val_labels = datamodule.splits["val"][1]
    assert torch.bincount(train_labels).tolist() == [30] * 5 + [300] * 5
    assert datamodule.train_class_counts == [30] * 5 + [300] * 5
    assert torch.bincount(val_labels).tolist() == [30] * 10
    assert len(datamodule.splits["test"][1]) == 10_000
    assert datamodule.splits["train"][0].dtype == torch.uint8


def test_over_sampling_repeats_the_class_own_images_only():
    datamodule = build(train_counts=[150] * 5 + [300] * 5)
    images, labels = datamodule.splits["train"]
    assert torch.bincount(labels).tolist() == [150] * 5 + [300] * 5
    distinct = {c: len(torch.unique(images[labels == c].flatten(1), dim=0)) for c in (0, 9)}
    assert distinct[0] == 30  # all 30 kept images, drawn again up to 150
    assert distinct[9] == 300
    # The set before re-sampling stays available for two-phase fine-tuning.
    assert torch.bincount(datamodule.splits["imbalanced"][1]).tolist() == STEP


def test_under_sampling_keeps_distinct_images():
    datamodule = build(train_counts=[30] * 10)
    images, labels = datamodule.splits["train"]
    assert torch.bincount(labels).tolist() == [30] * 10
    assert len(torch.unique(images[labels == 9].flatten(1), dim=0)) == 30
    datamodule.train_on("imbalanced")
    served = torch.cat([batch_labels for _, batch_labels in datamodule.train_dataloader()])
    assert torch.bincount(served).tolist() == STEP


def test_validation_is_held_out_of_training():
    datamodule = build(val_per_class=50)
    train = {bytes(x.numpy()) for x in datamodule.splits["train"][0]}
    val = {bytes(x.numpy()) for x in datamodule.splits["val"][0]}
    assert not train & val


def test_seed_changes_the_draw():
    first = build(seed=0).splits["train"][0]
    again = build(seed=0).splits["train"][0]
    other = build(seed=1).splits["train"][0]
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_too_many_images_per_class_is_a_config_error():
    with pytest.raises(ConfigError, match="imbalance.n_max=6000"):
        ImbalancedData(class_counts=[600] + [6000] * 9, spec=MNIST_SPEC, val_per_class=400).setup(
            "fit"
        )


def test_batches_are_normalised_and_rotated_only_in_training():
    datamodule = build(rotation=25, batch_size=64)
    batch = next(iter(datamodule.train_dataloader()))
    datamodule.trainer = FakeTrainer(training=False)
    plain, labels = datamodule.on_after_batch_transfer(batch, 0)
    plain_again, _ = datamodule.on_after_batch_transfer(batch, 0)
    datamodule.trainer = FakeTrainer(training=True)
    rotated, _ = datamodule.on_after_batch_transfer(batch, 0)

    assert plain.shape == rotated.shape == (64, 1, 28, 28)
    assert torch.equal(plain, plain_again)
    assert not torch.allclose(plain, rotated)
    raw = batch[0].float() / 255
    assert torch.allclose(plain.squeeze(1), (raw - MNIST_SPEC.mean) / MNIST_SPEC.std)
    assert torch.equal(labels, batch[1])


def test_rotation_angles_depend_on_seed_and_epoch_only():
    """A run resumed at epoch e must draw the angles an uninterrupted run draws at epoch e."""
    batch = next(iter(build(rotation=25, batch_size=32).train_dataloader()))

    def rotated(seed, epoch, calls_before=0):
        datamodule = ImbalancedData(
            class_counts=STEP, spec=MNIST_SPEC, val_per_class=400, rotation=25, seed=seed
        )
        datamodule.trainer = FakeTrainer(training=True, epoch=epoch)
        for _ in range(calls_before):  # earlier batches of the same epoch move the generator
            datamodule.on_after_batch_transfer(batch, 0)
        datamodule.trainer.current_epoch = epoch + 1
        return datamodule.on_after_batch_transfer(batch, 0)[0]

    assert torch.equal(rotated(0, 1), rotated(0, 1, calls_before=3))
    assert not torch.equal(rotated(0, 1), rotated(0, 2))
    assert not torch.equal(rotated(0, 1), rotated(1, 1))
