"""Grid points: the finished runs of one setting, one per seed, with the mean, std and 95%
interval of each metric; and the groupings the tables, figures and claims read.

A run that appears twice (the same config and seed, settings of other methods aside, e.g. in a
committed runs table and again in a new sweep, or in two experiments that share a setting) is
one training:
it counts once, and the point keeps the copy that recorded more, with whether the two agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from imbalance_lab.metrics.names import TEST_ACC, TEST_BAL_ACC, TEST_CONFUSION
from imbalance_lab.report.engine.runs import SETTING_KEYS, Run
from imbalance_lab.report.engine.stats import Interval, is_number, no_value, t_interval

# Metrics that are shares in [0, 1]: their intervals are cut to it (a t-interval over few seeds
# can pass 0 or 1, where the metric cannot).
BOUNDED = (TEST_ACC, TEST_BAL_ACC, "test/p_", "test/recall_", "test/roc_auc", "test/macro_f1")
BOUNDED += ("test/gmean", "test/ece", "val/")


@dataclass
class Point:
    """One grid point: a setting and its finished runs (one per seed); repeats: the (kept,
    dropped) pairs of runs of one training (one setting and seed)."""

    config: dict[str, object]
    runs: list[Run]
    repeats: list[tuple[Run, Run]] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Returns the number of finished runs (seeds) at this point."""
        return len(self.runs)

    @property
    def seeds(self) -> list:
        """Returns the point's seeds, in order."""
        return sorted((r.seed for r in self.runs), key=str)

    def _measured(self, metric: str) -> list[Run]:
        """Returns the runs that have a value of the metric."""
        return [r for r in self.runs if not no_value(r.metrics.get(metric))]

    def values(self, metric: str) -> list[float]:
        """Returns the metric of each run that has it, as floats."""
        return [float(r.metrics[metric]) for r in self._measured(metric)]

    def mean(self, metric: str) -> float:
        """Returns the mean of the metric over seeds (NaN when no run has it)."""
        values = self.values(metric)
        return float(np.mean(values)) if values else float("nan")

    def std(self, metric: str) -> float:
        """Returns the sample standard deviation over seeds (ddof 1; NaN below two seeds)."""
        values = self.values(metric)
        return float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")

    def interval(self, metric: str) -> Interval | None:
        """Returns the mean's 95% interval: t over seeds from two seeds on, the Wilson interval
        of the test counts for one seed (accuracy and p-rates only), else None; a share's
        interval cut to [0, 1]."""
        measured = self._measured(metric)
        if len(measured) == 1:
            return measured[0].wilson(metric)
        found = t_interval(self.values(metric))
        return found.clipped(0.0, 1.0) if found and metric.startswith(BOUNDED) else found

    def estimate(self, metric: str) -> Interval | None:
        """Returns interval(metric), or the mean with NaN bounds when there is no interval (one
        seed of a metric without test counts); None when no run has the metric."""
        values = self.values(metric)
        if not values:
            return None
        found = self.interval(metric)
        return found or Interval(float(np.mean(values)), math.nan, math.nan, len(values), "mean")


def sort_key(value: object) -> tuple:
    """Returns a key that sorts numbers by value, before strings and other values."""
    if is_number(value):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def varying_keys(configs: list[dict[str, object]]) -> list[str]:
    """Returns the setting keys whose values differ between configs: the study's names first,
    in their order, then the others alphabetically. A model's own keys (model.hidden_size)
    are left out where the model alone decides them."""
    keys = {k for config in configs for k in config if k != "seed"}
    varying = {k for k in keys if len({_hashable(config.get(k)) for config in configs}) > 1}
    varying -= {k for k in varying if _decided_by(k, "model", "model" in varying, configs)}
    return [k for k in SETTING_KEYS if k in varying] + sorted(varying - set(SETTING_KEYS))


def _hashable(value: object) -> object:
    """Returns value with lists as tuples."""
    return tuple(value) if isinstance(value, list) else value


def _decided_by(key: str, owner: str, owner_varies: bool, configs: list[dict]) -> bool:
    """Returns whether key belongs to owner (owner.x) and takes one value per owner value."""
    if not owner_varies or not key.startswith(f"{owner}."):
        return False
    pairs = {(config.get(owner), _hashable(config.get(key))) for config in configs}
    return len(pairs) == len({owner_value for owner_value, _ in pairs})


def _richer(one: Run, other: Run) -> Run:
    """Returns the copy of a training that recorded more (a confusion matrix, a history)."""
    recorded = lambda run: (TEST_CONFUSION in run.metrics) + bool(run.history)  # noqa: E731
    return other if recorded(other) > recorded(one) else one


def agree(one: Run, other: Run) -> bool:
    """Returns whether two copies of a training give the same test scores (bit for bit)."""
    keys = [k for k in one.metrics if k.startswith("test/") and is_number(one.metrics[k])]
    return all(one.metrics[k] == other.metrics.get(k) for k in keys)


def grid_points(runs: list[Run]) -> list[Point]:
    """Returns one Point per setting of the finished runs, one run per seed, sorted by
    setting."""
    groups: dict[tuple, dict[object, Run]] = {}
    repeats: dict[tuple, list[tuple[Run, Run]]] = {}
    for run in runs:
        if run.status != "finished":
            continue
        by_seed = groups.setdefault(run.setting(), {})
        if run.seed in by_seed:
            kept = _richer(by_seed[run.seed], run)
            dropped = run if kept is by_seed[run.seed] else by_seed[run.seed]
            repeats.setdefault(run.setting(), []).append((kept, dropped))
            by_seed[run.seed] = kept
        else:
            by_seed[run.seed] = run
    points = [
        Point(dict(setting), list(by_seed.values()), repeats.get(setting, []))
        for setting, by_seed in groups.items()
    ]
    keys = varying_keys([p.config for p in points])
    return sorted(points, key=lambda p: [sort_key(p.config.get(k)) for k in keys])


def context(config: dict, drop: tuple[str, ...] = ()) -> tuple:
    """Returns the sorted (key, value) pairs of a setting without the keys in drop; dropping
    'model' drops the model's own keys too (model.hidden_size), which only the LSTM has."""
    owned = tuple(f"{key}." for key in drop if key == "model")
    return tuple(
        sorted(
            (k, _hashable(v))
            for k, v in config.items()
            if k not in drop and not k.startswith(owned)
        )
    )


def group_by(
    points: list[Point], drop: tuple[str, ...], keep: Callable[[dict], bool] | None = None
) -> dict[tuple, list[Point]]:
    """Returns the points (those whose config passes keep) grouped by context(config, drop)."""
    groups: dict[tuple, list[Point]] = {}
    for point in points:
        if keep is None or keep(point.config):
            groups.setdefault(context(point.config, drop), []).append(point)
    return groups


def find(points: list[Point], **wanted) -> list[Point]:
    """Returns the points whose config holds every wanted value (short names: model='cnn')."""
    return [p for p in points if all(p.config.get(k) == v for k, v in wanted.items())]
