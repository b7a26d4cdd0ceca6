"""Composes the project's Hydra config in-process, as train.py would, for tests."""

from pathlib import Path

from hydra import compose, initialize_config_dir

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")

# A run on a slice of real MNIST that trains in seconds on 2 CPU cores: 5 x 200 majority and
# 5 x 50 minority images, 20 validation images per class, 8 test batches.
TINY = [
    "trainer=fast",
    "logger=none",
    "imbalance.n_max=200",
    "imbalance.rho=4",
    "data.val_per_class=20",
    "trainer.limit_train_batches=null",
]


def compose_config(overrides: list[str] = (), tiny: bool = True):
    """Returns the composed config of train.py for these overrides (TINY first when tiny)."""
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="train", overrides=[*(TINY if tiny else []), *overrides])


def without_timing(metrics: dict) -> dict:
    """Returns metrics without the wall times (time/...), at the top and in each epoch's row."""
    kept = {key: value for key, value in metrics.items() if not key.startswith("time/")}
    kept["history"] = [
        {key: value for key, value in row.items() if not key.startswith("time/")}
        for row in metrics["history"]
    ]
    return kept
