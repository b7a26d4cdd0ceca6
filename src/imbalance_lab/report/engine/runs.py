"""Run records and how a run folder is read (runs tables: engine/table.py; both sources:
engine/sources.py).

A run folder's status comes from what it holds: metrics.json (finished), error.txt without
metrics.json (failed), neither (unfinished). A finished run whose metrics.json records another
config's fingerprint than its .hydra/config.yaml counts as failed: its files do not belong
together (a run folder written before fingerprints, rerun with another config).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from imbalance_lab.config.identity import fingerprint, results_config
from imbalance_lab.imbalance.methods import METHODS
from imbalance_lab.metrics import names
from imbalance_lab.metrics.names import TEST_ACC, TEST_BAL_ACC, TEST_CONFUSION, VAL_ACC
from imbalance_lab.report.engine.stats import Interval, count_interval, is_number
from imbalance_lab.run_folder import (
    CONFIG_FILE,
    ERROR_FILE,
    METRICS_FILE,
    OVERRIDES_FILE,
    finished_metrics,
)

STATUSES = ("finished", "failed", "unfinished")
# Short names for the config keys that make up the study's settings.
ALIASES = {
    "model.name": "model",
    "imbalance.method": "method",
    "imbalance.rho": "rho",
    "imbalance.inv_rho": "inv_rho",
    "imbalance.weight": "weight",
    "imbalance.partition_seed": "partition",
    "data.rotation": "rotation",
    "optim.name": "optimizer",
    "optim.lr": "lr",
    "trainer.max_epochs": "epochs",
}
FULL_NAMES = {alias: key for key, alias in ALIASES.items()}
SETTING_KEYS = tuple(ALIASES.values())
RATES = names.RATES  # p_I_to_I, p_I_to_A, p_A_to_I, p_A_to_A
RATE_METRICS = tuple(names.staged("test", rate) for rate in RATES)
CORRECTED_METRICS = tuple(names.staged("test", names.per_class(rate)) for rate in RATES)
SCORES = tuple(
    names.staged("test", score) for score in (names.MACRO_F1, names.ROC_AUC, names.GMEAN, names.ECE)
)
SUMMARY_METRICS = (TEST_ACC, TEST_BAL_ACC, *SCORES, *RATE_METRICS, *CORRECTED_METRICS)


class ReportError(ValueError):
    """Input the report cannot use; str() is the one-line message."""


@dataclass
class Run:
    """One run: its results config (flat dotted keys, short names for the study's settings,
    run-only keys and nulls left out), its status and, when finished, its metrics and
    per-epoch history. path: its folder (or its name in a runs table); source: the folder or
    table given to the report that holds it."""

    config: dict[str, object]
    metrics: dict[str, object] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    status: str = "finished"
    path: Path | None = None
    source: Path | None = None
    overrides: tuple[str, ...] = ()
    error: str = ""
    sweep: str = ""  # the sweep it belongs to: its source's name, or a runs table's column

    @property
    def seed(self) -> object:
        """Returns the run's seed (config key seed)."""
        return self.config.get("seed")

    @property
    def fingerprint(self) -> str:
        """Returns the fingerprint of the run's config: what identifies one training."""
        return fingerprint({FULL_NAMES.get(k, k): v for k, v in self.config.items()})

    @property
    def test_size(self) -> int | None:
        """Returns the number of test images behind the metrics: data/test_size, or the sum of
        test/confusion_matrix for older runs; None when neither was recorded."""
        size = self.metrics.get("data/test_size")
        if is_number(size):
            return int(size)
        confusion = self.metrics.get(TEST_CONFUSION)
        return None if confusion is None else int(np.asarray(confusion).sum())

    def wilson(self, metric: str) -> Interval | None:
        """Returns the 95% Wilson interval of an accuracy or p-rate from this run's test
        counts; None for other metrics."""
        return count_interval(self.metrics, metric)

    def curve(self, metric: str = VAL_ACC) -> list[float]:
        """Returns the metric after each epoch, in order (empty when not recorded)."""
        return [float(row[metric]) for row in self.history if is_number(row.get(metric))]

    def setting(self) -> tuple:
        """Returns the (key, value) pairs that define this run's grid point, sorted by key,
        lists as tuples: all but the seed and the settings of other methods than the run's
        (method none trains the same at any imbalance.weight: runs of two sweeps that differ
        only there are one training, and count once)."""
        unowned = unowned_settings(self.config.get("method"))
        pairs = ((k, tuple(v) if isinstance(v, list) else v) for k, v in self.config.items())
        return tuple(sorted((k, v) for k, v in pairs if k != "seed" and k not in unowned))


def unowned_settings(method: object) -> set[str]:
    """Returns the (short) names of the imbalance settings that other methods own and this one
    does not read (every method's, for a method the table does not know)."""
    every = {key for entry in METHODS.values() for key in entry.settings}
    own = set(METHODS[method].settings) if method in METHODS else set()
    return {ALIASES.get(f"imbalance.{key}", f"imbalance.{key}") for key in every - own}


def aliased(config: dict) -> dict[str, object]:
    """Returns a config's results config (config/identity.py) with the study's short names."""
    return {ALIASES.get(k, k): v for k, v in results_config(config).items()}


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
    run = Run(config=aliased(config), status="unfinished", path=path)
    run.overrides = tuple(map(str, overrides))
    metrics = finished_metrics(path)
    recorded = (metrics or {}).get("config/fingerprint")
    if metrics is not None and recorded not in (None, run.fingerprint):
        run.status = "failed"
        run.error = f"{CONFIG_FILE} is another config's than {METRICS_FILE}'s (fingerprint)"
    elif metrics is not None:
        run.history = list(metrics.pop("history", []))
        run.metrics, run.status = metrics, "finished"
    elif (path / METRICS_FILE).is_file():
        # Written last and atomically by run(), so this is damage, not a run in progress.
        run.status, run.error = "failed", f"{METRICS_FILE} unreadable or without test/acc"
    elif (path / ERROR_FILE).is_file():
        lines = (path / ERROR_FILE).read_text(errors="replace").strip().splitlines()
        run.status, run.error = "failed", lines[-1] if lines else f"{ERROR_FILE} is empty"
    return run


def status_counts(runs: list[Run]) -> dict[str, int]:
    """Returns {status: number of runs} for every status, zeros included."""
    counts = Counter(run.status for run in runs)
    return {status: counts[status] for status in STATUSES}
