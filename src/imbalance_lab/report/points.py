"""Grid points: the finished runs of one setting, their seeds pooled, with the mean, std and
95% interval of each metric; and the groupings the tables, figures and verdicts read."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from imbalance_lab.report.runs import SETTING_KEYS, Run, is_setting_key
from imbalance_lab.report.stats import Interval, is_number, no_value, t_interval


@dataclass
class Point:
    """One grid point: a setting and its finished runs (one per seed)."""

    config: dict[str, object]
    runs: list[Run]

    @property
    def n(self) -> int:
        """Returns the number of finished runs (seeds) at this point."""
        return len(self.runs)

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
        of the test counts for one seed (accuracy and p-rates only), else None."""
        measured = self._measured(metric)
        if len(measured) == 1:
            return measured[0].wilson(metric)
        return t_interval(self.values(metric))

    def estimate(self, metric: str) -> Interval | None:
        """Returns interval(metric), or the mean with NaN bounds when there is no interval (one
        seed of a metric without test counts); None when no run has the metric."""
        values = self.values(metric)
        if not values:
            return None
        found = self.interval(metric)
        return found or Interval(float(np.mean(values)), math.nan, math.nan, len(values), "mean")

    def difference(self, first: str, second: str) -> Interval | None:
        """Returns the estimate of first − second: t over the runs' paired differences from two
        seeds on; for one seed, interval arithmetic on the two Wilson intervals."""
        both = [r for r in self._measured(first) if not no_value(r.metrics.get(second))]
        if len(both) > 1:
            return t_interval([float(r.metrics[first]) - float(r.metrics[second]) for r in both])
        if not both:
            return None
        one, two = (self.estimate(m) for m in (first, second))
        return one.minus(two)


def sort_key(value: object) -> tuple:
    """Returns a key that sorts numbers by value, before strings and other values."""
    if is_number(value):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def varying_keys(configs: list[dict[str, object]]) -> list[str]:
    """Returns the setting keys whose values differ between configs: the study's names first,
    in their order, then the others alphabetically. A model's own keys (model.hidden_size)
    are left out where the model alone decides them."""
    keys = {k for config in configs for k in config if is_setting_key(k)}
    varying = {k for k in keys if len({config.get(k) for config in configs}) > 1}
    varying -= {k for k in varying if _decided_by(k, "model", "model" in varying, configs)}
    return [k for k in SETTING_KEYS if k in varying] + sorted(varying - set(SETTING_KEYS))


def _decided_by(key: str, owner: str, owner_varies: bool, configs: list[dict]) -> bool:
    """Returns whether key belongs to owner (owner.x) and takes one value per owner value."""
    if not owner_varies or not key.startswith(f"{owner}."):
        return False
    pairs = {(config.get(owner), config.get(key)) for config in configs}
    return len(pairs) == len({owner_value for owner_value, _ in pairs})


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
    """Returns the sorted (key, value) pairs of a setting without the keys in drop; dropping
    'model' drops the model's own keys too (model.hidden_size), which only the LSTM has."""
    owned = tuple(f"{key}." for key in drop if key == "model")
    return tuple(
        sorted((k, v) for k, v in config.items() if k not in drop and not k.startswith(owned))
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


CORRECTION_KEYS = ("method", "inv_rho", "weight")  # what a correction method changes in a setting


def is_uncorrected(config: dict) -> bool:
    """Returns whether a setting trains without correction: method none, weight 1, or ROS to no
    more than the data's own 1/rho. Every other method (focal, ldam, rus, ...) corrects."""
    method = config.get("method", "none")  # runs from before imbalance.method existed: none
    if method == "weighted":
        return config.get("weight") == 1
    if method == "ros":
        return float(config.get("inv_rho", 1)) <= 1 / float(config.get("rho", 1)) + 1e-9
    return method == "none"


def uncorrected_trainings(points: list[Point]) -> list[Point]:
    """Returns the uncorrected points merged into one Point per training, named method none
    (with method none's setting where there is one) and holding one run per seed, none's first.

    Uncorrected points of one setting from different sweeps (method none, weight 1, ROS to the
    data's own 1/rho) train the same model on the same data at the same seed: pooling them
    would count one measurement two or three times and narrow the t-interval (n = 6 for 3
    seeds)."""
    merged = []
    for group in group_by(points, CORRECTION_KEYS, is_uncorrected).values():
        ordered = sorted(group, key=lambda p: p.config.get("method") != "none")
        by_seed: dict[object, Run] = {}
        for run in (run for point in ordered for run in point.runs):
            by_seed.setdefault(run.config.get("seed"), run)
        config = {**ordered[0].config, "method": "none"}
        merged.append(Point(config=config, runs=list(by_seed.values())))
    return merged
