"""The runs of one or more sweeps: finding their folders and reading each into a Run record
(flattened config, status, metrics, history).

A run folder is any folder holding .hydra/config.yaml; its status comes from what it holds:
metrics.json (finished), error.txt without metrics.json (failed), neither (unfinished).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from imbalance_lab.report.stats import Interval, count_interval, is_number
from imbalance_lab.run_folder import (
    CONFIG_FILE,
    ERROR_FILE,
    METRICS_FILE,
    OVERRIDES_FILE,
    finished_metrics,
)

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
    | {"model.channels_last"}  # a memory layout: the same maths
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
        """Returns the run's seed (config key seed)."""
        return self.config.get("seed")

    @property
    def test_size(self) -> int | None:
        """Returns the number of test images behind the metrics: data/test_size, or the sum of
        test/confusion_matrix for older runs; None when neither was recorded."""
        size = self.metrics.get("data/test_size")
        if is_number(size):
            return int(size)
        confusion = self.metrics.get("test/confusion_matrix")
        return None if confusion is None else int(np.asarray(confusion).sum())

    def wilson(self, metric: str) -> Interval | None:
        """Returns the 95% Wilson interval of an accuracy or p-rate from this run's test
        counts; None for other metrics."""
        return count_interval(self.metrics, metric)

    def epochs_to(self, target: float) -> int | None:
        """Returns the first epoch whose val/acc >= target, None when no epoch reaches it."""
        rows = (row for row in self.history if float(row.get("val/acc", -1)) >= target)
        return next((int(row["epoch"]) for row in rows), None)

    def setting(self) -> tuple:
        """Returns the (key, value) pairs that define this run's grid point, sorted by key."""
        return tuple(sorted((k, v) for k, v in self.config.items() if is_setting_key(k)))


def is_setting_key(key: str) -> bool:
    """Returns whether a flattened config key takes part in defining a grid point."""
    return key not in NOT_SETTINGS and not key.startswith(NOT_SETTING_GROUPS)


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
    """Returns the sort key of a run folder: Hydra names job folders "<job number>_<overrides>",
    so job 2 comes before job 10."""
    number = path.name.partition("_")[0]
    return (str(path.parent), int(number) if number.isdigit() else math.inf, path.name)


def find_run_dirs(folder: Path) -> list[Path]:
    """Returns the run folders at or below folder, in job-number order."""
    found = [p.parent.parent for p in folder.rglob(CONFIG_FILE.name) if p.parent.name == ".hydra"]
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
    metrics = finished_metrics(path)
    if metrics is not None:
        run.history = list(metrics.pop("history", []))
        run.metrics, run.status = metrics, "finished"
    elif (path / METRICS_FILE).is_file():
        # Written last and atomically by run(), so this is damage, not a run in progress.
        run.status, run.error = "failed", f"{METRICS_FILE} unreadable or without test/acc"
    elif (path / ERROR_FILE).is_file():
        lines = (path / ERROR_FILE).read_text(errors="replace").strip().splitlines()
        run.status, run.error = "failed", lines[-1] if lines else f"{ERROR_FILE} is empty"
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
