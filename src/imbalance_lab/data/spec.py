"""The dataset spec: what the models, the data module and the config check know about a data
set. A folder of IDX files in MNIST's format becomes a data set with one config file
(conf/data/*.yaml), no code: see docs/architecture.md."""

from __future__ import annotations

from dataclasses import dataclass


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

    name: str = "mnist"
    num_classes: int = 10
    image_shape: tuple[int, int] = (28, 28)
    mean: float = 0.1307
    std: float = 0.3081
    root: str | None = None


MNIST = DatasetSpec()
