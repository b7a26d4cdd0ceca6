"""Hand-made runs for the report's tests: records built in memory (Run objects with a config,
metrics and a history, as engine/runs.py reads them from a folder) and run folders written to
disk as a sweep job leaves them (.hydra/config.yaml, .hydra/overrides.yaml, metrics.json).

Convention of record() and seeds(): a list given for acc, bal, val_bal, rates or curve holds
one value per seed (seed 0, 1, ...); a scalar or a tuple is the same at every seed, and so is
every further metric (metrics=...)."""

import json

import numpy as np
import yaml

from imbalance_lab.config.identity import fingerprint
from imbalance_lab.report.engine.points import Point, grid_points
from imbalance_lab.report.engine.runs import RATES, Run

MINORITY = [0, 1, 2, 3, 4]
# Wrong classes an error of each rate can land in, minority {0..4} of 10 digits.
SLOTS = {"p_I_to_I": 4, "p_I_to_A": 5, "p_A_to_I": 5, "p_A_to_A": 4}
# An imbalanced setting trained without correction, as the study's sweeps record it.
BASE = {
    "model": "cnn",
    "method": "none",
    "rho": 10,
    "inv_rho": 1,
    "weight": 1,
    "rotation": 0,
    "optimizer": "adam",
    "lr": 0.001,
    "epochs": 10,
}


def at(value, seed: int):
    """Returns value at seed: its seed-th item for a list, value itself otherwise."""
    return value[seed] if isinstance(value, list) else value


def record(
    seed=0,
    *,
    acc=0.9,
    bal=None,
    val_bal=None,
    rates=(0.3, 0.2, 0.1, 0.05),
    curve=None,
    metrics=None,
    **config,
) -> Run:
    """Returns a finished Run at seed: test accuracy acc, test balanced accuracy bal (acc when
    None), validation balanced accuracy val_bal (bal when None), the four raw rates and their
    per-class values (minority {0..4}), validation accuracy per epoch (curve) and further
    metrics (the same at every seed); config on top of BASE (dotted keys: **{"a.b": v})."""
    acc, rates = at(acc, seed), at(rates, seed)
    bal = acc if bal is None else at(bal, seed)
    values = {"test/acc": acc, "test/bal_acc": bal, "minority": MINORITY}
    values["val/bal_acc"] = bal if val_bal is None else at(val_bal, seed)
    values |= {"model/params": 1000, "model/bytes": 4000}
    for name, rate in zip(RATES, rates, strict=True):
        values[f"test/{name}"] = rate
        values[f"test/{name}_per_class"] = rate / SLOTS[name]
    values |= metrics or {}
    epochs = at(curve, seed) or ()
    history = [{"epoch": e + 1, "val/acc": a} for e, a in enumerate(epochs)]
    return Run(config={**BASE, **config, "seed": seed}, metrics=values, history=history)


def seeds(n=3, **kwargs) -> list[Run]:
    """Returns records of one setting at seeds 0 .. n − 1 (n: the longest per-seed list given,
    else the n asked for)."""
    n = max([len(v) for v in kwargs.values() if isinstance(v, list)], default=n)
    return [record(seed, **kwargs) for seed in range(n)]


def points(*groups: list[Run]) -> list[Point]:
    """Returns the grid points of every record of the groups."""
    return grid_points([run for group in groups for run in group])


def confusion(per_class: int = 1000, errors: int = 10) -> list[list[int]]:
    """Returns a (10, 10) confusion matrix: per_class test images of each digit, `errors` of
    which are predicted as the digit 5 away (0 -> 5, 5 -> 0, ...)."""
    counts = np.diag([per_class - errors] * 10)
    for digit in range(10):
        counts[digit, (digit + 5) % 10] = errors
    return counts.tolist()


def folder_config(model="cnn", seed=0, epochs=10, inv_rho=1.0) -> dict:
    """Returns a run's resolved config (nested), as .hydra/config.yaml holds it."""
    return {
        "model": {"name": model},
        "seed": seed,
        "trainer": {"max_epochs": epochs},
        "data": {"rotation": 0, "val_per_class": 400},
        "imbalance": {"rho": 10, "method": "none", "inv_rho": inv_rho, "weight": 1.0},
        "optim": {"name": "adam", "lr": 0.001},
        "logger": {"name": "csv"},  # run-only: in no fingerprint
    }


def write_run(
    folder,
    *,
    model="cnn",
    seed=0,
    epochs=10,
    per_class=1000,
    train_size=50_000,
    overrides=(),
    newer=True,
    extra=None,
    name=None,
):
    """Returns the run folder it wrote below folder: a finished run whose every digit has
    per_class test images, 1% of which go to the digit 5 away (minority to majority and back);
    newer=False leaves out what runs before data/test_size and code/commit did not record;
    extra: further metrics (None values delete)."""
    config = folder_config(model, seed, epochs)
    path = folder / (name or f"{model}_e{epochs}_n{per_class}_s{seed}")
    (path / ".hydra").mkdir(parents=True)
    (path / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    (path / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(list(overrides)))
    errors = max(1, per_class // 100)
    rate = errors / per_class
    metrics = {
        "test/acc": 1 - rate,
        "test/bal_acc": 1 - rate,
        "test/p_I_to_I": 0.0,
        "test/p_I_to_A": rate,
        "test/p_A_to_I": rate,
        "test/p_A_to_A": 0.0,
        "test/confusion_matrix": confusion(per_class, errors),
        "minority": MINORITY,
        "train/size": train_size,
        "data/val_size": 4000,
        "model/params": 1000 if model == "cnn" else 100,
        "model/bytes": 4000 if model == "cnn" else 400,
        "history": [{"epoch": e + 1, "val/acc": 0.9 + e / 1000} for e in range(epochs)],
    }
    if newer:
        metrics |= {"data/test_size": 10 * per_class, "code/commit": "abc1234567def"}
        metrics["config/fingerprint"] = fingerprint(config)
    for key, value in (extra or {}).items():
        if value is None:
            metrics.pop(key, None)
        else:
            metrics[key] = value
    (path / "metrics.json").write_text(json.dumps(metrics))
    return path
