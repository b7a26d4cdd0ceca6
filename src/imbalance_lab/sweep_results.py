"""The runs of one or more sweeps: finding their folders, reading them into records, grouping
them into grid points (one point per setting, its seeds pooled) with mean, std and n.

A run folder is any folder holding .hydra/config.yaml; its status comes from what it holds:
metrics.json (finished), error.txt without metrics.json (failed), neither (unfinished).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

CONFIG_FILE = Path(".hydra") / "config.yaml"
OVERRIDES_FILE = Path(".hydra") / "overrides.yaml"
METRICS_FILE = "metrics.json"
ERROR_FILE = "error.txt"
STATUSES = ("finished", "failed", "unfinished")

# Short names for the config values that make up the study's settings.
ALIASES = {
    "model.name": "model",
    "imbalance.method": "method",
    "imbalance.rho": "rho",
    "imbalance.inv_rho": "inv_rho",
    "imbalance.weight": "weight",
    "data.rotation": "rotation",
    "optim.name": "optimizer",
    "optim.lr": "lr",
    "trainer.max_epochs": "epochs",
}
SETTING_KEYS = tuple(ALIASES.values())
# Config values that change how a run is executed or logged, not what it learns: never part of
# a grid point (a sweep resumed with another logger still pools with the first attempt).
NOT_SETTINGS = (
    {"seed", "checkpoint", "resume", "threads", "step_mode", "confusion_figure"}
    | {
        "model.channels_last"  # a memory layout: the same maths
    }
    | {
        f"trainer.{key}"
        for key in ("accelerator", "devices", "enable_progress_bar", "enable_model_summary")
        + ("log_every_n_steps", "num_sanity_val_steps")
    }
)
NOT_SETTING_GROUPS = ("logger.",)
RATES = ("p_I_to_I", "p_I_to_A", "p_A_to_I", "p_A_to_A")
RATE_METRICS = tuple(f"test/{rate}" for rate in RATES)
CORRECTED_METRICS = tuple(f"{name}_per_class" for name in RATE_METRICS)
SCORES = ("test/macro_f1", "test/roc_auc", "test/gmean", "test/ece")
SUMMARY_METRICS = ("test/acc", "test/bal_acc", *SCORES, *RATE_METRICS, *CORRECTED_METRICS)


class ReportError(ValueError):
    """Input the report cannot use; str() is the one-line message."""


@dataclass
class Run:
    """One run folder: its flattened config (aliases applied, lists as tuples), its status and,
    when finished, its scalar metrics and per-epoch history."""

    config: dict[str, object]
    metrics: dict[str, object] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    status: str = "finished"
    path: Path | None = None
    source: Path | None = None  # the folder given to the report that holds this run
    overrides: tuple[str, ...] = ()
    error: str = ""

    @property
    def seed(self) -> object:
        return self.config.get("seed")

    def epochs_to(self, target: float) -> int | None:
        """Returns the first epoch whose val/acc >= target, None when no epoch reaches it."""
        rows = (row for row in self.history if float(row.get("val/acc", -1)) >= target)
        return next((int(row["epoch"]) for row in rows), None)

    def setting(self) -> tuple:
        """Returns the (key, value) pairs that define this run's grid point, sorted by key."""
        return tuple(sorted((k, v) for k, v in self.config.items() if is_setting_key(k)))


@dataclass
class Point:
    """One grid point: a setting and its finished runs (one per seed)."""

    config: dict[str, object]
    runs: list[Run]

    @property
    def n(self) -> int:
        return len(self.runs)

    def values(self, metric: str) -> list[float]:
        """Returns the metric of each run that has it, as floats."""
        return [float(r.metrics[metric]) for r in self.runs if is_number(r.metrics.get(metric))]

    def mean(self, metric: str) -> float:
        """Returns the mean of the metric over seeds (NaN when no run has it)."""
        return mean_std(self.values(metric))[0]

    def std(self, metric: str) -> float:
        """Returns the sample standard deviation over seeds (NaN below two seeds)."""
        return mean_std(self.values(metric))[1]


def is_number(value: object) -> bool:
    """Returns whether value is an int or float (bool excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_setting_key(key: str) -> bool:
    """Returns whether a flattened config key takes part in defining a grid point."""
    return key not in NOT_SETTINGS and not key.startswith(NOT_SETTING_GROUPS)


def mean_std(values: list[float]) -> tuple[float, float]:
    """Returns (mean, sample std with ddof 1); NaN for the mean of none and the std of one."""
    if not values:
        return math.nan, math.nan
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else math.nan


def flatten(node: dict, prefix: str = "") -> dict[str, object]:
    """Returns {dotted key: value} of a nested mapping, lists turned into tuples (hashable)."""
    flat = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = tuple(value) if isinstance(value, list) else value
    return flat


def _job_order(path: Path) -> tuple:
    # Hydra names job folders "<job number>_<overrides>": order 2 before 10.
    number = path.name.partition("_")[0]
    return (str(path.parent), int(number) if number.isdigit() else math.inf, path.name)


def find_run_dirs(folder: Path) -> list[Path]:
    """Returns the run folders at or below folder, in job-number order."""
    found = [p.parent.parent for p in folder.rglob("config.yaml") if p.parent.name == ".hydra"]
    return sorted(found, key=_job_order)


def read_run(path: Path) -> Run:
    """Returns the record of the run folder path; raises ReportError for an unreadable config."""
    try:
        config = OmegaConf.to_container(OmegaConf.load(path / CONFIG_FILE))
    except Exception as error:  # OSError, or any of OmegaConf's / PyYAML's parse errors
        raise ReportError(f"{path / CONFIG_FILE} cannot be read: {error}") from None
    if not isinstance(config, dict):
        raise ReportError(f"{path / CONFIG_FILE} does not hold a config mapping")
    try:
        overrides = OmegaConf.to_container(OmegaConf.load(path / OVERRIDES_FILE)) or []
    except Exception:
        overrides = []  # only a run started outside Hydra lacks it; the config says it all
    flat = {ALIASES.get(k, k): v for k, v in flatten(config).items()}
    run = Run(config=flat, status="unfinished", path=path, overrides=tuple(map(str, overrides)))
    metrics_file, error_file = path / METRICS_FILE, path / ERROR_FILE
    if metrics_file.is_file():
        try:
            metrics = json.loads(metrics_file.read_text())
        except (OSError, ValueError) as error:
            # Written atomically by run(), so this is damage, not a run in progress.
            run.status, run.error = "failed", f"unreadable {METRICS_FILE}: {error}"
            return run
        run.history = list(metrics.pop("history", []))
        run.metrics, run.status = metrics, "finished"
    elif error_file.is_file():
        lines = error_file.read_text(errors="replace").strip().splitlines()
        run.status, run.error = "failed", lines[-1] if lines else "error.txt is empty"
    return run


def read_sweeps(folders: list[Path]) -> list[Run]:
    """Returns the runs below every folder; raises ReportError for a folder that does not
    exist or holds no run."""
    runs = []
    for folder in folders:
        if not folder.is_dir():
            raise ReportError(f"{folder} is not a folder")
        found = find_run_dirs(folder)
        if not found:
            raise ReportError(f"{folder} holds no run folder (one with {CONFIG_FILE})")
        for path in found:
            runs.append(read_run(path))
            runs[-1].source = folder
    return runs


def status_counts(runs: list[Run]) -> dict[str, int]:
    """Returns {status: number of runs} for every status, zeros included."""
    counts = Counter(run.status for run in runs)
    return {status: counts[status] for status in STATUSES}


def sort_key(value: object) -> tuple:
    """Returns a key that sorts numbers by value, before strings and other values."""
    if is_number(value):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def varying_keys(configs: list[dict[str, object]]) -> list[str]:
    """Returns the setting keys whose values differ between configs: the study's names first,
    in their order, then the others alphabetically."""
    keys = {k for config in configs for k in config if is_setting_key(k)}
    varying = {k for k in keys if len({config.get(k) for config in configs}) > 1}
    return [k for k in SETTING_KEYS if k in varying] + sorted(varying - set(SETTING_KEYS))


def grid_points(runs: list[Run]) -> list[Point]:
    """Returns one Point per setting of the finished runs, sorted by setting."""
    groups: dict[tuple, list[Run]] = {}
    for run in runs:
        if run.status == "finished":
            groups.setdefault(run.setting(), []).append(run)
    points = [Point(config=dict(setting), runs=group) for setting, group in groups.items()]
    keys = varying_keys([p.config for p in points])
    return sorted(points, key=lambda p: [sort_key(p.config.get(k)) for k in keys])


def context(config: dict, drop: tuple[str, ...] = ()) -> tuple:
    """Returns the sorted (key, value) pairs of a setting without the keys in drop."""
    return tuple(sorted((k, v) for k, v in config.items() if k not in drop))


def group_by(
    points: list[Point], drop: tuple[str, ...], keep: Callable[[dict], bool] | None = None
) -> dict[tuple, list[Point]]:
    """Returns the points (those whose config passes keep) grouped by context(config, drop)."""
    groups: dict[tuple, list[Point]] = {}
    for point in points:
        if keep is None or keep(point.config):
            groups.setdefault(context(point.config, drop), []).append(point)
    return groups


def usual_training(points: list[Point]) -> list[Point]:
    """Returns the points trained like most runs (optimizer, lr, epochs): the SGD runs of the
    depth study must not stand beside the Adam runs as if they were another method."""
    keys = ("optimizer", "lr", "epochs")
    setups = Counter(tuple(p.config.get(k) for k in keys) for p in points for _ in p.runs)
    usual = setups.most_common(1)[0][0] if setups else None
    return [p for p in points if tuple(p.config.get(k) for k in keys) == usual]


def is_imbalanced(config: dict) -> bool:
    """Returns whether the setting's training data is imbalanced (rho > 1)."""
    return float(config.get("rho", 1)) > 1


def is_uncorrected(config: dict) -> bool:
    """Returns whether a setting trains without correction: method none, weight 1, or ROS to no
    more than the data's own 1/rho."""
    method = config.get("method")
    if method == "weighted":
        return config.get("weight") == 1
    if method == "ros":
        return float(config.get("inv_rho", 1)) <= 1 / float(config.get("rho", 1)) + 1e-9
    return True
