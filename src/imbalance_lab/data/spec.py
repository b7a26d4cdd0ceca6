"""The dataset spec: what the models, the data module and the config check know about a data
set. A folder of IDX files in MNIST's format becomes a data set with one config file
(conf/data/*.yaml), no code: see docs/architecture.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SPEC_KEYS = ("name", "num_classes", "image_shape", "mean", "std", "root")  # of the data node


@dataclass(frozen=True)
class DatasetSpec:
    """A grayscale image classification data set stored as the four IDX files of MNIST's
    format (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-..., gzipped or not).

    name: what it is called in run folders and logs.
    num_classes: C; labels are 0 .. C - 1.
    image_shape: (H, W) in pixels; models size their layers from it.
    mean, std: of the training pixels on a [0, 1] scale; inputs are (x - mean) / std.
    root: the folder with the files; None is the packaged MNIST copy, checked by md5.
    """

    name: str
    num_classes: int
    image_shape: tuple[int, int]
    mean: float
    std: float
    root: str | None = None

    @classmethod
    def from_config(cls, data: Mapping[str, object]) -> DatasetSpec:
        """Returns the spec that a data config's node holds (plain values)."""
        spec = {key: data[key] for key in SPEC_KEYS}
        return cls(**{**spec, "image_shape": tuple(spec["image_shape"])})
