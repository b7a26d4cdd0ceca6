"""The recipes of docs/architecture.md, followed as written: a new method (a loss class and one
table entry with its settings), a new data set (one config file, no code), a new model."""

import gzip
import json
import shutil

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from imbalance_lab.cli.help import help_text
from imbalance_lab.config import schema
from imbalance_lab.config.check import check_config
from imbalance_lab.errors import ConfigError
from imbalance_lab.imbalance.methods import METHODS, Method
from imbalance_lab.run.runner import run
from imbalance_lab.setting import Number, Setting
from imbalance_lab.training.losses import LOSSES, ImbalanceLoss
from imbalance_lab.training.models import CNN, MODELS, count_parameters

from helpers import CONF_DIR, ROOT, compose_config, train


class LabelSmoothing(ImbalanceLoss):
    """Cross-entropy against labels smoothed by `smoothing` (the recipe's example loss)."""

    def __init__(self, class_counts, minority, *, smoothing: float):
        super().__init__(class_counts)
        self.smoothing = float(smoothing)

    def forward(self, logits, labels, epoch: int = 0) -> torch.Tensor:
        return F.cross_entropy(self._checked(logits), labels, label_smoothing=self.smoothing)


@pytest.fixture
def label_smoothing(monkeypatch):
    """Recipe "add a method": the loss class and its registry line, and one table entry with its
    setting. In the code they stand in losses.py and methods.py; here they are added at run time,
    and the schema is registered again as Hydra's plugin registers it when it starts."""
    monkeypatch.setitem(LOSSES, "label_smoothing", LabelSmoothing)
    smoothing = Setting(0.1, Number(0, 1, high_open=True), "label smoothing")
    entry = Method(
        "cross-entropy against labels smoothed by smoothing",
        loss="label_smoothing",
        settings={"smoothing": smoothing},
        reference="Szegedy et al. 2016",
    )
    monkeypatch.setitem(METHODS, "label_smoothing", entry)
    schema.register()
    yield
    monkeypatch.undo()
    schema.register()


def test_a_method_registered_through_the_public_table_trains(tmp_path, label_smoothing):
    cfg = compose_config(
        ["model=rnn", "imbalance.method=label_smoothing", "imbalance.smoothing=0.2"]
    )
    metrics = run(cfg, tmp_path / "run")
    assert 0 <= metrics["test/acc"] <= 1 and len(metrics["history"]) == 1
    module_loss = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=False)[
        "hyper_parameters"
    ]
    assert module_loss["loss"] == "label_smoothing"
    assert module_loss["loss_settings"] == {"smoothing": 0.2}  # the setting, unchanged


@pytest.mark.parametrize(
    ("overrides", "allowed"),
    [
        (["imbalance.method=label_smoothing", "imbalance.smoothing=1.5"], "a number >= 0 and < 1"),
        (["imbalance.method=label_smoothing", "imbalance.smoothing=high"], "a number >= 0 and < 1"),
        # Checked with any method: a sweep over a setting its method ignores is caught.
        (["imbalance.method=none", "imbalance.smoothing=-1"], "a number >= 0 and < 1"),
    ],
)
def test_a_new_methods_setting_is_checked_in_one_line_naming_it(
    overrides, allowed, label_smoothing
):
    with pytest.raises(ConfigError) as caught:
        check_config(compose_config(overrides))
    assert caught.value.key == "imbalance.smoothing" and str(caught.value).endswith(allowed)


def test_a_new_method_and_its_setting_are_on_the_help_page(label_smoothing):
    page = help_text(ROOT / "conf")
    assert "label_smoothing" in page.split("imbalance.method=none")[1].split("imbalance.inv_rho")[0]
    assert "imbalance.smoothing=0.1" in page and "label_smoothing: label smoothing" in page


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
    # Recipe "add a data set": a folder of IDX files and one conf/data/*.yaml that brings its
    # own imbalance defaults, found through Hydra's search path; 3 classes of 12 x 16 pixels.
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
        "# @package _global_\n"
        f"data:\n  name: stripes\n  root: {folder}\n  num_classes: 3\n  image_shape: [12, 16]\n"
        "  mean: 0.3\n  std: 0.35\n  val_per_class: 5\n  batch_size: 16\n"
        "imbalance:\n  minority: [0]\n  n_max: 40\n"
    )
    out = tmp_path / "run"
    done = train(
        [
            "data=stripes",
            f"hydra.searchpath=[file://{tmp_path / 'extra_conf'}]",
            "trainer=fast",
            "logger=none",
            "trainer.max_epochs=3",
            f"hydra.run.dir={out}",
        ]
    )
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data/name"] == "stripes"
    assert metrics["train/class_counts"] == [4, 40, 40]  # rho 10: round(40 / 10) for class 0
    assert metrics["data/test_size"] == metrics["data/test_split_size"] == 60
    assert metrics["data/val_size"] == 15
    assert np.array(metrics["test/confusion_matrix"]).shape == (3, 3)
    # The CNN sized from the spec: Linear(32 * 6 * 8, 256) on 12 x 16 images.
    assert metrics["model/params"] == 320 + 9_248 + (32 * 6 * 8 * 256 + 256) + (256 * 3 + 3)
    assert metrics["test/acc"] > 0.5  # the bands are easy: it learned, not just ran
    # Not a reduced run: the whole of its own test split was scored, whatever MNIST's size.
    assert "tested on 60 images" in done.stdout and "reduced" not in done.stdout


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
    assert count_parameters(CNN(10, (28, 28))) == 1_618_026  # the study's CNN is untouched
