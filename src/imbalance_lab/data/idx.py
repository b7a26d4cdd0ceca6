"""Reading the MNIST-style IDX files (gzipped or not) into numpy arrays, with checksums."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from imbalance_lab.errors import DataError

# The packaged MNIST copy (package data, next to the code: see pyproject.toml).
PACKAGED_ROOT = Path(__file__).resolve().parents[1] / "mnist"

# md5 of the *decompressed* official files (shared/mnist/README.md); the gzip wrappers differ.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# IDX magic numbers: 0x0000 then type 0x08 (uint8) then the number of dimensions.
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801


def _read_bytes(root: Path, name: str) -> tuple[Path, bytes]:
    """Returns (path found, decompressed bytes) of `name` or `name.gz` under root."""
    for path in (root / f"{name}.gz", root / name):
        if path.is_file():
            try:
                raw = path.read_bytes()
                return path, gzip.decompress(raw) if path.suffix == ".gz" else raw
            except (OSError, EOFError, zlib.error) as error:  # BadGzipFile is an OSError
                raise DataError(f"{path}: cannot be read ({error})") from None
    raise DataError(f"{root / name}[.gz]: file not found")


def _parse(path: Path, data: bytes, magic: int) -> np.ndarray:
    """Returns the IDX array (uint8) in `data`, shape (N,) for labels, (N, H, W) for images."""
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    found = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
    if found != magic:
        shown = "none (file under 4 bytes)" if found is None else f"{found:#010x}"
        raise DataError(f"{path}: magic number {shown}, expected {magic:#010x}")
    if len(data) < header:
        raise DataError(f"{path}: {len(data)} bytes, shorter than its {header}-byte header")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise DataError(f"{path}: {len(data)} bytes, header promises {expected} (truncated?)")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


@lru_cache(maxsize=4)
def load_split(root: str | None, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Returns (images (N, H, W) uint8, labels (N,) uint8) of one split.

    root None means the packaged MNIST copy, whose md5s are checked; any other folder is read
    as is (Fashion-MNIST, KMNIST). Cached: the jobs of one multirun share a process and read
    the files once.
    """
    folder = PACKAGED_ROOT if root is None else Path(root)
    arrays = []
    for name, magic in zip(SPLIT_FILES[split], (IMAGES_MAGIC, LABELS_MAGIC), strict=True):
        path, data = _read_bytes(folder, name)
        if root is None:
            found = hashlib.md5(data).hexdigest()
            if found != MNIST_MD5[name]:
                raise DataError(f"{path}: md5 {found}, expected {MNIST_MD5[name]} (corrupt copy)")
        arrays.append(_parse(path, data, magic))
    images, labels = arrays
    if len(images) != len(labels):
        raise DataError(
            f"{folder}: {len(images)} images but {len(labels)} labels in the {split} split"
        )
    return images, labels
