"""Helpers every test file may use, in one place: the one tiny-run override list, composing
the project's config in-process, running its command lines as real subprocesses, and seeded
label draws."""

import os
import subprocess
import sys
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.imbalance.methods import METHODS

ROOT = Path(__file__).resolve().parents[1]
CONF_DIR = str(ROOT / "conf")
MNIST = ROOT / "src" / "imbalance_lab" / "mnist"  # the packaged IDX files
MAX_SEED = 2**32 - 1  # Lightning's seed_everything takes 0 .. 2**32 - 1 (numpy's seeds)

# A run on a slice of real MNIST that trains in seconds on 2 CPU cores: 5 x 200 majority and
# 5 x 50 minority images (10 batches), one epoch (trainer=fast), 20 validation images per
# class, 8 test batches of 128, no logger.
TINY = [
    "trainer=fast",
    "logger=none",
    "imbalance.n_max=200",
    "imbalance.rho=4",
    "data.val_per_class=20",
]
# The packaged MNIST as its data config declares it (conf/data/mnist.yaml): the spec that tests
# building a data module or a model by hand use.
MNIST_DATA = OmegaConf.to_container(OmegaConf.load(ROOT / "conf" / "data" / "mnist.yaml"))["data"]
MNIST_SPEC = DatasetSpec.from_config(MNIST_DATA)
MNIST_SIZE = {"num_classes": MNIST_SPEC.num_classes, "image_shape": MNIST_SPEC.image_shape}
# Every method setting's default, as the method table declares it (their one place).
METHOD_DEFAULTS = {key: s.default for m in METHODS.values() for key, s in m.settings.items()}


def compose_config(overrides: list[str] = (), tiny: bool = True, config_dir: str = CONF_DIR):
    """Returns the composed config of train.py for these overrides (TINY first when tiny)."""
    with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
        return compose(config_name="train", overrides=[*(TINY if tiny else []), *overrides])


def without_timing(metrics: dict) -> dict:
    """Returns metrics without the wall times (time/...), at the top and in each epoch's row."""
    kept = {key: value for key, value in metrics.items() if not key.startswith("time/")}
    kept["history"] = [
        {key: value for key, value in row.items() if not key.startswith("time/")}
        for row in metrics["history"]
    ]
    return kept


def environment(env: dict | None = None, unset=()) -> dict:
    """Returns os.environ with W&B disabled unless env says otherwise, env added, unset removed."""
    merged = {**os.environ, "WANDB_MODE": "disabled", **(env or {})}
    for name in unset:
        merged.pop(name, None)
    return merged


def python(args, env=None, unset=(), timeout=300) -> subprocess.CompletedProcess:
    """Returns the finished `python args` process: output captured, stdin closed so that nothing
    can wait on a prompt."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=environment(env, unset),
    )


def train_command(args) -> list[str]:
    """Returns the argv of `python train.py args`."""
    return [sys.executable, "train.py", *args]


def train(args, env=None, unset=(), timeout=600) -> subprocess.CompletedProcess:
    """Returns the finished `python train.py args` process."""
    return python(["train.py", *args], env=env, unset=unset, timeout=timeout)


def gen(seed: int = 0) -> torch.Generator:
    """Returns a CPU generator seeded with seed."""
    return torch.Generator().manual_seed(seed)


def random_labels(
    n: int = 600, num_classes: int = 10, seed: int = 0, dtype: torch.dtype = torch.int64
) -> torch.Tensor:
    """Returns (n,) labels of `dtype` with every class present (MNIST stores uint8)."""
    labels = torch.randint(num_classes, (n,), generator=gen(seed))
    labels[:num_classes] = torch.arange(num_classes)
    return labels.to(dtype)
