"""The schema of a run's config: every key the project defines, declared once (Setting: its
default, the values it allows, its meaning). The top-level keys, optim and data are declared
here, the imbalance profile's keys beside the profile table (imbalance/profiles.py) and each
method's beside its entry in the method table (imbalance/methods.py).

register() stores it in Hydra's ConfigStore as `train_schema`, the first entry of conf/train.yaml's
defaults list: a structured config, so a key it does not declare is refused when Hydra composes
and its defaults are the only ones. The config check, the command line's check, --help and the
docs' key tables read the same declarations. The model, trainer and logger nodes are their
option files' (conf/<group>/*.yaml): the model and the Trainer check their own arguments.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass
from typing import Any

from hydra.core.config_store import ConfigStore

from imbalance_lab.config import dirnames
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.imbalance.profiles import PROFILE_SETTINGS, PROFILES
from imbalance_lab.setting import FLAG, NULL, REQUIRED, Either, ListOf, Number, OneOf, Setting, Text

SCHEMA_NAME = "train_schema"
# The training step's modes: eager runs it as Python; cuda_graph replays each full batch as a
# captured CUDA graph; auto does where it can (one CUDA device, no fp16 loss scaling).
STEP_MODES = ("eager", "auto", "cuda_graph")
# Lightning precisions whose GradScaler syncs with the host at every step: never captured.
LOSS_SCALED_PRECISIONS = ("16-mixed", "16")
LOGGERS = ("csv", "wandb", "none")  # logger.name: run/loggers.py builds them
METRIC = Either((NULL, Text()))  # a val/ metric's name: config/check.py knows them by C

TOP = {
    "seed": Setting(
        0,
        Number(0, 2**32 - 1, integer=True),
        "seeds everything random: the initial weights, the images drawn, the batch order, the "
        "rotation angles",
    ),
    "checkpoint": Setting(True, FLAG, "write <run>/checkpoints/last.ckpt after every epoch"),
    "resume": Setting(
        True,
        FLAG,
        "skip a run whose folder holds this config's metrics.json; continue an unfinished one "
        "from checkpoints/last.ckpt (false: train from scratch)",
    ),
    "threads": Setting(
        None,
        Either((NULL, Number(1, integer=True))),
        "torch CPU threads per job; null: all cores, divided among the jobs run at once",
    ),
    "confusion_figure": Setting(
        True,
        FLAG,
        "draw <run>/confusion_matrix.png (and a W&B image), ~0.2 s a run; the matrix is in "
        "metrics.json either way",
    ),
    "select": Setting(
        None,
        METRIC,
        "a val/ metric, e.g. val/bal_acc: test the epoch best by it (val/ece and the p-rates: "
        "lowest); null: the last epoch. Never a test/ metric",
    ),
    "optimized_metric": Setting(
        None,
        METRIC,
        "a val/ metric, e.g. val/bal_acc: train.py returns it as a float, for value-based "
        "sweepers (Optuna); null: a dict of the metrics. Never a test/ metric",
    ),
    "step_mode": Setting(
        "eager",
        OneOf(STEP_MODES),
        "auto replays each training step as a CUDA graph where it can (one CUDA device, no "
        "16-mixed), cuda_graph insists; eager until a GPU check passes",
    ),
}
OPTIM = {
    "name": Setting("adam", OneOf(("adam", "sgd")), "the optimizer"),
    "lr": Setting(0.001, Number(0, low_open=True), "learning rate"),
    "momentum": Setting(0.9, Number(0, 1), "sgd only"),
    "weight_decay": Setting(
        0.0, Number(0), "L2 penalty through the optimizer's weight_decay (Adam: not decoupled)"
    ),
    "clip_grad_norm": Setting(
        None,
        Either((NULL, Number(0, low_open=True))),
        "clip the gradients' total L2 norm to this before each step; null: never",
    ),
}
# A data config (conf/data/*.yaml) gives the dataset spec (name .. std), how the data are used
# and, under imbalance:, its own defaults for the keys the data set decides (minority, n_max).
DATA = {
    "name": Setting(REQUIRED, Text(), "the data set's name in metrics.json (data/name)"),
    "root": Setting(
        None,
        Either((NULL, Text())),
        "the folder of the four IDX files (gzipped or not), read without checksum; null: the "
        "MNIST copy packaged with the code, md5-checked",
    ),
    "num_classes": Setting(REQUIRED, Number(2, integer=True), "C: labels are 0 .. C - 1"),
    "image_shape": Setting(
        REQUIRED,
        ListOf(Number(2, integer=True), size=2),
        "[height, width] in pixels: the models size their layers from it",
    ),
    "mean": Setting(
        REQUIRED,
        Number(),
        "mean of the training pixels on a [0, 1] scale: inputs are (x - mean) / std",
    ),
    "std": Setting(REQUIRED, Number(0, low_open=True), "their standard deviation"),
    "val_per_class": Setting(
        REQUIRED,
        Number(0, integer=True),
        "images per class held out of the training split first, a balanced validation split "
        "(seeded); 0: none",
    ),
    "rotation": Setting(
        0,
        Number(0, 180),
        "degrees: each training image is rotated uniformly in [-rotation, rotation], on the device",
    ),
    "batch_size": Setting(
        128, Number(1, integer=True), "images per training step; under DDP the global batch"
    ),
}


def imbalance_settings() -> dict[str, Setting]:
    """Returns the imbalance node's keys: the profile, its settings, the method, and every
    method's own settings (a key that several methods own keeps its first declaration here)."""
    settings = {
        "profile": Setting(
            "step", OneOf(tuple(PROFILES)), "how the training set is made imbalanced"
        ),
        **PROFILE_SETTINGS,
        "method": Setting("none", OneOf(tuple(METHODS)), "how the imbalance is corrected"),
    }
    for name, method in METHODS.items():
        for key, setting in method.settings.items():
            if settings.setdefault(key, setting).default != setting.default:
                raise ValueError(f"imbalance.{key}: two defaults (method {name} declares another)")
    return settings


def nodes() -> dict[str, dict[str, Setting]]:
    """Returns the declared keys by node ('' for the top level)."""
    return {"": TOP, "imbalance": imbalance_settings(), "optim": OPTIM, "data": DATA}


def declared() -> dict[str, Setting]:
    """Returns every declared key's Setting by its dotted name (imbalance.rho)."""
    return {
        f"{node}.{key}" if node else key: setting
        for node, settings in nodes().items()
        for key, setting in settings.items()
    }


def _fields(settings: dict[str, Setting]) -> list[tuple]:
    """Returns the dataclass fields of declared keys, typed Any: the check says in one line
    what is allowed, and values stay as they were typed (rho 10 an int, 10.0 a float)."""
    return [
        (key, Any, field(default_factory=lambda v=s.default: list(v)))
        if isinstance(s.default, list)
        else (key, Any, field(default=s.default))
        for key, s in settings.items()
    ]


def register() -> None:
    """Stores the schema as `train_schema` in Hydra's ConfigStore and registers the job-folder
    resolvers. Idempotent, and built from the tables as they are when it runs (Hydra's plugin
    calls it at its start; a test that adds a method calls it again)."""
    fields = _fields(TOP)
    for node, settings in nodes().items():
        if node:
            kind = make_dataclass(f"{node.title()}Config", _fields(settings))
            fields.append((node, kind, field(default_factory=kind)))
    # The option files' nodes: conf/model/*.yaml, conf/trainer/*.yaml, conf/logger/*.yaml.
    fields += [(group, Any, field(default=REQUIRED)) for group in ("model", "trainer", "logger")]
    ConfigStore.instance().store(name=SCHEMA_NAME, node=make_dataclass("TrainConfig", fields))
    dirnames.register()
