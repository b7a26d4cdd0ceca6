"""The LightningDataModule: a data set held as tensors on the training device, made
imbalanced, optionally re-sampled, rotated per batch on the device."""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from imbalance_lab.data import subsets
from imbalance_lab.data.augment import rotate_batch
from imbalance_lab.data.batches import EpochOrder, TensorBatches
from imbalance_lab.data.idx import load_split
from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.data.subsets import count_classes
from imbalance_lab.errors import ConfigError, DataError


class ImbalancedData(pl.LightningDataModule):
    """An imbalanced data set (its files and shape: `spec`): a balanced validation
    split held out first (val_per_class per class, seeded), then class_counts[c] images of
    class c drawn from the rest, then re-sampled to train_counts[c] per epoch (more: the
    class's own images again, with replacement; fewer: a draw without replacement). The test
    split is the data set's own."""

    def __init__(
        self,
        class_counts: list[int],
        spec: DatasetSpec,
        val_per_class: int,
        train_counts: list[int] | None = None,
        rotation: float = 0.0,
        batch_size: int = 128,
        seed: int = 0,
    ):
        super().__init__()
        self.class_counts = list(class_counts)
        self.train_counts = list(train_counts or class_counts)
        self.spec, self.val_per_class = spec, val_per_class
        self.rotation, self.batch_size, self.seed = rotation, batch_size, seed
        self.num_classes = len(class_counts)
        self.train_class_counts: list[int] = []
        self.train_split = "train"
        self._rotation_generator: torch.Generator | None = None
        self._rotation_epoch = -1

    def prepare_data(self) -> None:
        # Reads and checks the files (cached per process); holds no state.
        for split in ("train", "test"):
            self._read(split)

    def setup(self, stage: str | None = None) -> None:
        if self.train_class_counts:
            return  # fit then test: the splits are built once per run
        images, labels = self._read("train")
        generator = torch.Generator().manual_seed(self.seed)
        rest, val_index = subsets.split_per_class(labels, self.val_per_class, generator)

        available = count_classes(labels[rest], self.num_classes)
        for c, (wanted, have) in enumerate(zip(self.class_counts, available, strict=True)):
            if wanted > have:
                raise ConfigError(
                    "imbalance.n_max",
                    max(self.class_counts),
                    f"class {c} has {have} training images after the validation split; "
                    f"n_max must be at most {min(available)}",
                )
        kept = subsets.draw_per_class(labels, rest, self.class_counts, generator)
        train_index = subsets.resample(labels, kept, self.train_counts, generator)
        self.train_class_counts = count_classes(labels[train_index], self.num_classes)

        test_images, test_labels = self._read("test")
        device = self.trainer.strategy.root_device if self.trainer else torch.device("cpu")
        # uint8 on the device (MNIST's 60,000 images: 47 MB); floats are made per batch.
        self.splits = {
            "train": (images[train_index].to(device), labels[train_index].long().to(device)),
            # The set before re-sampling: two-phase training fine-tunes on it.
            "imbalanced": (images[kept].to(device), labels[kept].long().to(device)),
            "val": (images[val_index].to(device), labels[val_index].long().to(device)),
            "test": (test_images.to(device), test_labels.long().to(device)),
        }

    def _read(self, split: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns (images (N, H, W) uint8, labels (N,) int64) of a split, checked against the
        spec: the image shape and the label range (DataError naming the file's folder)."""
        images, labels = load_split(self.spec.root, split)
        where = self.spec.root or "the packaged MNIST copy"
        if tuple(images.shape[1:]) != tuple(self.spec.image_shape):
            raise DataError(
                f"{where}: {split} images are {images.shape[1]} x {images.shape[2]}, the spec "
                f"{self.spec.name} says data.image_shape {list(self.spec.image_shape)}"
            )
        if len(labels) and int(labels.max()) >= self.num_classes:
            raise DataError(
                f"{where}: {split} labels go up to {int(labels.max())}, the spec "
                f"{self.spec.name} says data.num_classes {self.num_classes}"
            )
        return torch.from_numpy(images.copy()), torch.from_numpy(labels.copy()).long()

    def split_size(self, split: str) -> int:
        """Returns the images of a split once set up: 'train' (re-sampled), 'imbalanced', 'val',
        'test' (the data set's own test split, whatever a run scores of it)."""
        return len(self.splits[split][1])

    def train_on(self, split: str) -> None:
        """Makes train_dataloader() serve `split` ('train': re-sampled, or 'imbalanced')."""
        self.train_split = split

    def _batches(self, split: str, shuffle: bool) -> TensorBatches:
        images, labels = self.splits[split]
        rank, world = (
            (self.trainer.global_rank, self.trainer.world_size) if self.trainer else (0, 1)
        )
        # batch_size is the global batch: each of `world` ranks takes a 1/world share, and
        # rank r's k-th batch holds positions kB + r, kB + r + world, ... of the epoch order,
        # so a DDP step sees exactly the images of the single-process step.
        if self.batch_size % world:
            raise ConfigError(
                "data.batch_size", self.batch_size, f"a multiple of the {world} DDP processes"
            )
        order = EpochOrder(len(labels), shuffle, self.seed, rank, world)
        return TensorBatches(images, labels, self.batch_size // world, order)

    def train_dataloader(self) -> TensorBatches:
        return self._batches(self.train_split, shuffle=True)

    def val_dataloader(self) -> TensorBatches:
        return self._batches("val", shuffle=False)

    def test_dataloader(self) -> TensorBatches:
        return self._batches("test", shuffle=False)

    def predict_dataloader(self) -> TensorBatches:
        # Post-hoc logit adjustment tunes its tau on the validation split.
        return self._batches("val", shuffle=False)

    def on_after_batch_transfer(self, batch, dataloader_idx: int):
        """Returns (images (B, 1, H, W) float, normalised; labels (B,)); training batches are
        rotated first, on the device."""
        images, labels = batch
        images = images.unsqueeze(1).float() / 255.0
        if self.trainer is not None and self.trainer.training:
            images = rotate_batch(images, self.rotation, self._angles_generator(images.device))
        return (images - self.spec.mean) / self.spec.std, labels

    def _angles_generator(self, device: torch.device) -> torch.Generator:
        """Returns the rotation-angle generator, reseeded from (seed, epoch, rank) at each new
        epoch: a run resumed from a checkpoint draws the angles an uninterrupted run draws."""
        epoch, rank = self.trainer.current_epoch, self.trainer.global_rank
        if self._rotation_generator is None or self._rotation_generator.device != device:
            self._rotation_generator = torch.Generator(device=device)
        if epoch != self._rotation_epoch:
            self._rotation_generator.manual_seed((self.seed * 1_000_003 + epoch) * 64 + rank)
            self._rotation_epoch = epoch
        return self._rotation_generator
