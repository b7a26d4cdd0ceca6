"""The recipes of docs/architecture.md, followed as written: a new method (a table entry, a loss
class, a config key), a new data set (one config file, no code), a new model."""

import gzip
import json
import shutil

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from imbalance_lab.imbalance.methods import METHODS, Method
from imbalance_lab.run.runner import run
from imbalance_lab.training.losses import LOSSES, ImbalanceLoss
from imbalance_lab.training.models import CNN, MODELS, count_parameters

from helpers import CONF_DIR, compose_config, train


class LabelSmoothing(ImbalanceLoss):
    """Cross-entropy against labels smoothed by `smoothing` (the recipe's example loss)."""

    def __init__(self, class_counts, minority, *, smoothing: float):
        super().__init__(class_counts)
        self.smoothing = float(smoothing)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        return F.cross_entropy(self._checked(logits), labels, label_smoothing=self.smoothing)


def test_a_method_registered_through_the_public_table_trains(tmp_path, monkeypatch):
    # Recipe "add a method": one loss class and its registry line, one table entry, and its
    # new setting's default in conf/train.yaml (here a copy of conf/).
    monkeypatch.setitem(LOSSES, "label_smoothing", LabelSmoothing)
    monkeypatch.setitem(
        METHODS, "label_smoothing", Method(loss="label_smoothing", settings=("smoothing",))
    )
    conf = tmp_path / "conf"
    shutil.copytree(CONF_DIR, conf)
    train_yaml = conf / "train.yaml"
    train_yaml.write_text(
        train_yaml.read_text().replace(
            "imbalance:\n", "imbalance:\n  smoothing: 0.1  # label_smoothing: label smoothing\n", 1
        )
    )
    cfg = compose_config(
        ["model=rnn", "imbalance.method=label_smoothing", "imbalance.smoothing=0.2"],
        config_dir=str(conf),
    )
    metrics = run(cfg, tmp_path / "run")
    assert 0 <= metrics["test/acc"] <= 1 and len(metrics["history"]) == 1
    module_loss = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=False)[
        "hyper_parameters"
    ]
    assert module_loss["loss"] == "label_smoothing"
    assert module_loss["loss_settings"] == {"smoothing": 0.2}  # the setting, unchanged


def write_idx(path, array: np.ndarray) -> None:
    """Writes array (uint8, (N,) or (N, H, W)) as a gzipped IDX file, MNIST's format."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def striped_images(labels: np.ndarray, shape: tuple[int, int], seed: int) -> np.ndarray:
    """Returns (N, H, W) uint8 images: noise with a bright horizontal band whose row depends on
    the label, so that a model can tell the classes apart."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(len(labels), *shape), dtype=np.uint8)
    for i, label in enumerate(labels):
        row = 2 + 3 * int(label)
        images[i, row : row + 2] = 255
    return images


def test_a_new_idx_data_set_runs_with_one_config_file_and_no_code(tmp_path):
    # Recipe "add a data set": a folder of IDX files and one conf/data/*.yaml, found through
    # Hydra's search path; 3 classes of 12 x 16 pixels.
    shape = (12, 16)
    folder = tmp_path / "stripes"
    folder.mkdir()
    for split, per_class, seed in (("train", 60, 0), ("t10k", 20, 1)):
        labels = np.repeat(np.arange(3), per_class).astype(np.uint8)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", striped_images(labels, shape, seed))
    conf = tmp_path / "extra_conf" / "data"
    conf.mkdir(parents=True)
    (conf / "stripes.yaml").write_text(
        f"name: stripes\nroot: {folder}\nnum_classes: 3\nimage_shape: [12, 16]\n"
        "mean: 0.3\nstd: 0.35\nval_per_class: 5\nrotation: 0\nbatch_size: 16\n"
    )
    out = tmp_path / "run"
    done = train(
        [
            "data=stripes",
            f"hydra.searchpath=[file://{tmp_path / 'extra_conf'}]",
            "trainer=fast",
            "logger=none",
            "imbalance.minority=[0]",
            "imbalance.n_max=40",
            "imbalance.rho=4",
            "trainer.max_epochs=3",
            f"hydra.run.dir={out}",
        ]
    )
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data/name"] == "stripes"
    assert metrics["train/class_counts"] == [10, 40, 40]
    assert metrics["data/test_size"] == 60 and metrics["data/val_size"] == 15
    assert np.array(metrics["test/confusion_matrix"]).shape == (3, 3)
    # The CNN sized from the spec: Linear(32 * 6 * 8, 256) on 12 x 16 images.
    assert metrics["model/params"] == 320 + 9_248 + (32 * 6 * 8 * 256 + 256) + (256 * 3 + 3)
    assert metrics["test/acc"] > 0.5  # the bands are easy: it learned, not just ran


class TinyMLP(nn.Module):
    """One hidden layer on the flattened image (the recipe's example model)."""

    def __init__(self, num_classes, image_shape, hidden: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(image_shape[0] * image_shape[1], hidden), nn.ReLU()
        )
        self.head = nn.Linear(hidden, num_classes)

    @property
    def last_layer(self) -> nn.Module:
        return self.head

    def forward(self, images):
        return self.head(self.net(images))


def test_a_model_registered_with_its_config_trains(tmp_path, monkeypatch):
    # Recipe "add a model": the class, its MODELS line, conf/model/<name>.yaml.
    monkeypatch.setitem(MODELS, "mlp", TinyMLP)
    conf = tmp_path / "conf"
    shutil.copytree(CONF_DIR, conf)
    (conf / "model" / "mlp.yaml").write_text("name: mlp\nhidden: 32  # hidden units\n")
    metrics = run(compose_config(["model=mlp"], config_dir=str(conf)), tmp_path / "run")
    assert metrics["model/params"] == 784 * 32 + 32 + 32 * 10 + 10
    assert count_parameters(CNN()) == 1_618_026  # the study's CNN is untouched
