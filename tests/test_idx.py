"""IDX reading: the packaged MNIST against shared/mnist/README.md, and each corrupt-file error."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from imbalance_lab.data import idx
from imbalance_lab.data.idx import load_split
from imbalance_lab.errors import DataError

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
IMAGES, LABELS = idx.SPLIT_FILES["train"]


# load_split is cached per process: every test here writes or monkeypatches files.
pytestmark = pytest.mark.usefixtures("fresh_load_cache")


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Returns the IDX encoding of a uint8 array: magic, one big-endian int32 per dim, data."""
    magic = 0x00000800 | array.ndim if magic is None else magic
    dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return magic.to_bytes(4, "big") + dims + array.astype(np.uint8).tobytes()


def small_split(n_images: int = 20, n_labels: int | None = None, seed: int = 0):
    """Returns (images (n, 28, 28), labels (n_labels,)) of random uint8 values."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_images, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_images if n_labels is None else n_labels, dtype=np.uint8)
    return images, labels


def write(folder: Path, name: str, data: bytes, gz: bool = False) -> Path:
    """Writes data as folder/name (or folder/name.gz, gzipped) and returns the path."""
    path = folder / (f"{name}.gz" if gz else name)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_split(folder: Path, images: np.ndarray, labels: np.ndarray, gz: bool = False) -> None:
    write(folder, IMAGES, idx_bytes(images), gz)
    write(folder, LABELS, idx_bytes(labels), gz)


def data_error(root: Path | None, split: str = "train") -> str:
    """Returns the message of the DataError that load_split raises; checks it is one line."""
    with pytest.raises(DataError) as caught:
        load_split(None if root is None else str(root), split)
    message = str(caught.value)
    assert "\n" not in message
    return message


# The packaged copy.


@pytest.mark.parametrize(
    ("split", "size", "first_ten", "counts"),
    [
        ("train", 60000, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4], TRAIN_COUNTS),
        ("test", 10000, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9], TEST_COUNTS),
    ],
)
def test_packaged_mnist_matches_the_readme(split, size, first_ten, counts):
    images, labels = load_split(None, split)
    assert images.shape == (size, 28, 28)
    assert labels.shape == (size,)
    assert images.dtype == np.uint8 and labels.dtype == np.uint8
    assert labels[:10].tolist() == first_ten
    assert np.bincount(labels, minlength=10).tolist() == counts
    # Real pixels, not a zero-filled buffer of the right size.
    assert images.max() == 255 and images.min() == 0


def test_load_split_caches_by_root_and_split():
    first = load_split(None, "test")
    assert load_split(None, "test") is first


# Small hand-written folders (not packaged: read without a checksum).


@pytest.mark.parametrize("gz", [False, True])
def test_non_packaged_root_loads_valid_files_without_checksum(tmp_path, gz):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels, gz=gz)
    got_images, got_labels = load_split(str(tmp_path), "train")
    assert got_images.shape == (20, 28, 28) and got_images.dtype == np.uint8
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_test_split_reads_the_t10k_files(tmp_path):
    images, labels = small_split(7)
    write(tmp_path, "t10k-images-idx3-ubyte", idx_bytes(images))
    write(tmp_path, "t10k-labels-idx1-ubyte", idx_bytes(labels))
    got_images, got_labels = load_split(str(tmp_path), "test")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


@pytest.mark.parametrize("missing", [IMAGES, LABELS])
def test_missing_file_names_the_file(tmp_path, missing):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    (tmp_path / missing).unlink()
    message = data_error(tmp_path)
    assert str(tmp_path / missing) in message
    assert "not found" in message


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("name", [IMAGES, LABELS])
def test_truncated_file_names_the_file(tmp_path, name, gz):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    data = (tmp_path / name).read_bytes()
    (tmp_path / name).unlink()
    path = write(tmp_path, name, data[:-5], gz=gz)  # a valid gzip of a truncated IDX file
    message = data_error(tmp_path)
    assert str(path) in message
    assert "truncated" in message
    assert f"{len(data) - 5} bytes" in message and f"promises {len(data)}" in message


def test_file_longer_than_its_header_is_rejected(tmp_path):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    write(tmp_path, LABELS, idx_bytes(labels) + b"\x00")
    assert str(tmp_path / LABELS) in data_error(tmp_path)


def test_truncated_gzip_stream_names_the_file(tmp_path):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels, gz=True)
    path = tmp_path / f"{IMAGES}.gz"
    path.write_bytes(path.read_bytes()[:-20])  # the gzip stream itself ends early
    message = data_error(tmp_path)
    assert str(path) in message
    assert "cannot be read" in message


def test_corrupt_gzip_stream_is_a_data_error(tmp_path):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels, gz=True)
    path = tmp_path / f"{IMAGES}.gz"
    raw = path.read_bytes()
    path.write_bytes(raw[:10] + bytes(b ^ 0xFF for b in raw[10:20]) + raw[20:])
    assert str(path) in data_error(tmp_path)


@pytest.mark.parametrize(
    ("name", "bad_magic"),
    [
        (IMAGES, 0x00000801),  # a labels file where the images belong
        (LABELS, 0x00000803),  # and the other way round
        (IMAGES, 0x12345678),
    ],
)
def test_wrong_magic_number_names_the_file(tmp_path, name, bad_magic):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    array = images if name == IMAGES else labels
    write(tmp_path, name, idx_bytes(array, magic=bad_magic))
    message = data_error(tmp_path)
    assert str(tmp_path / name) in message
    assert f"magic number {bad_magic:#010x}" in message


def test_file_shorter_than_a_magic_number_is_rejected(tmp_path):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    write(tmp_path, LABELS, b"\x00\x00")
    message = data_error(tmp_path)
    assert str(tmp_path / LABELS) in message
    assert "magic number none (file under 4 bytes)" in message


def test_file_cut_inside_its_header_says_so(tmp_path):
    images, labels = small_split(20)
    write_split(tmp_path, images, labels)
    write(tmp_path, IMAGES, idx_bytes(images)[:8])
    message = data_error(tmp_path)
    assert str(tmp_path / IMAGES) in message
    assert "8 bytes, shorter than its 16-byte header" in message


@pytest.mark.parametrize(("n_images", "n_labels"), [(20, 19), (19, 20)])
def test_mismatched_image_and_label_counts(tmp_path, n_images, n_labels):
    images, labels = small_split(n_images, n_labels)
    write_split(tmp_path, images, labels)
    message = data_error(tmp_path)
    assert str(tmp_path) in message
    assert f"{n_images} images but {n_labels} labels" in message
    assert "train" in message


# The md5 check of the packaged copy.


@pytest.fixture
def fake_packaged(tmp_path, monkeypatch):
    """Returns a tmp folder holding a copy of the packaged test split, now the packaged root."""
    for name in idx.SPLIT_FILES["test"]:
        shutil.copy(idx.PACKAGED_ROOT / f"{name}.gz", tmp_path / f"{name}.gz")
    monkeypatch.setattr(idx, "PACKAGED_ROOT", tmp_path)
    return tmp_path


def test_unmodified_copy_of_the_packaged_files_passes_the_md5_check(fake_packaged):
    images, labels = load_split(None, "test")
    assert images.shape == (10000, 28, 28)
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.mark.parametrize("name", idx.SPLIT_FILES["test"])
def test_modified_packaged_copy_fails_the_md5_check(fake_packaged, name):
    path = fake_packaged / f"{name}.gz"
    data = bytearray(gzip.decompress(path.read_bytes()))
    data[-1] = (data[-1] + 1) % 256  # one pixel or label: the file still parses
    path.write_bytes(gzip.compress(bytes(data), compresslevel=1))
    message = data_error(None, "test")
    assert str(path) in message
    assert "md5" in message and idx.MNIST_MD5[name] in message


def test_the_md5_check_applies_to_the_packaged_root_only(tmp_path):
    # The same modified bytes in a user folder load: Fashion-MNIST and KMNIST have other md5s.
    data = bytearray(
        gzip.decompress((idx.PACKAGED_ROOT / "t10k-labels-idx1-ubyte.gz").read_bytes())
    )
    data[-1] = (data[-1] + 1) % 256
    write(tmp_path, "t10k-labels-idx1-ubyte", bytes(data))
    shutil.copy(idx.PACKAGED_ROOT / "t10k-images-idx3-ubyte.gz", tmp_path)
    _, labels = load_split(str(tmp_path), "test")
    assert labels[-1] == data[-1]
