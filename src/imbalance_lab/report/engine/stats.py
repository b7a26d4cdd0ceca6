"""95% intervals: a t-interval over seeds for a grid point's mean, a Wilson interval from one
run's test counts, interval arithmetic for differences; and the report's one "no value" rule."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy import stats

from imbalance_lab.metrics.groups import landing_classes
from imbalance_lab.metrics.names import TEST_ACC, TEST_CONFUSION

CONFIDENCE = 0.95
# test/p_I_to_A or test/p_I_to_A_per_class: (source group, target group, per-class suffix)
RATE_NAME = re.compile(r"test/p_([IA])_to_([IA])(_per_class)?")


def is_number(value: object) -> bool:
    """Returns whether value is an int or float (bool excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def no_value(value: object) -> bool:
    """Returns whether value holds no number (None, NaN, a bool, text): the report's one rule
    for a missing value, asked by every table, verdict and figure."""
    return not is_number(value) or math.isnan(value)


@dataclass(frozen=True)
class Interval:
    """A mean and its 95% interval [low, high]. method: 't' (n seeds), 'Wilson' (n test
    images of one run) or 'bounds' (interval arithmetic on other intervals; n the smallest)."""

    mean: float
    low: float
    high: float
    n: int
    method: str

    def clipped(self, low: float, high: float) -> Interval:
        """Returns the interval with its bounds cut to [low, high] (a share's to [0, 1])."""
        bounds = (min(max(self.low, low), high), min(max(self.high, low), high))
        return Interval(self.mean, *bounds, self.n, self.method)

    def above(self, other: Interval) -> bool:
        """Returns whether this interval lies wholly above other (the two do not overlap)."""
        return self.low > other.high

    def minus(self, other: Interval) -> Interval:
        """Returns self − other bounded by interval arithmetic: every difference the two
        intervals allow (never narrower than the interval of a difference, often wider)."""
        low, high = self.low - other.high, self.high - other.low
        return Interval(self.mean - other.mean, low, high, min(self.n, other.n), "bounds")

    def scaled(self, factor: float) -> Interval:
        """Returns factor × self for factor > 0 (a per-class rate from a raw one, twice an
        error): a scaled sample scales its interval."""
        return Interval(
            factor * self.mean, factor * self.low, factor * self.high, self.n, self.method
        )

    def complement(self) -> Interval:
        """Returns 1 − self: an error rate from an accuracy."""
        return Interval(1 - self.mean, 1 - self.high, 1 - self.low, self.n, self.method)

    def ratio(self, other: Interval) -> Interval | None:
        """Returns self / other bounded by interval arithmetic; None when other's interval
        reaches 0 or self's goes below it (no finite, meaningful bounds)."""
        if other.low <= 0 or self.low < 0:
            return None
        bounds = (self.low / other.high, self.high / other.low)
        return Interval(self.mean / other.mean, *bounds, min(self.n, other.n), "bounds")


def t_interval(values: list[float]) -> Interval | None:
    """Returns the mean of values with its 95% t-interval, mean ± t_{0.975, n−1} · s / √n
    (s: sample std, ddof 1); None below two values (one seed has no spread)."""
    if len(values) < 2:
        return None
    array = np.asarray(values, dtype=float)
    mean, sem = float(array.mean()), float(stats.sem(array))
    if sem == 0:  # identical seeds: scipy refuses scale 0, the interval is the point
        return Interval(mean, mean, mean, len(array), "t")
    low, high = stats.t.interval(CONFIDENCE, len(array) - 1, loc=mean, scale=sem)
    return Interval(mean, float(low), float(high), len(array), "t")


def wilson_interval(k: int, n: int) -> Interval | None:
    """Returns k / n with its 95% Wilson score interval; None for n = 0."""
    if n <= 0:
        return None
    bounds = stats.binomtest(int(k), int(n)).proportion_ci(CONFIDENCE, method="wilson")
    return Interval(k / n, float(bounds.low), float(bounds.high), int(n), "Wilson")


def group_counts(
    confusion: np.ndarray, minority: list[int], source: str, target: str
) -> tuple[int, int]:
    """Returns (k, n) of p_source→target: k = #{misclassified, label in source, prediction in
    target}, n = #{label in source}; confusion is (C, C), rows = true label."""
    is_minority = np.zeros(len(confusion), dtype=bool)
    is_minority[list(minority)] = True
    groups = {"I": is_minority, "A": ~is_minority}
    errors = confusion.copy()
    np.fill_diagonal(errors, 0)
    rows = groups[source]
    return int(errors[rows][:, groups[target]].sum()), int(confusion[rows].sum())


def count_interval(metrics: dict, name: str) -> Interval | None:
    """Returns the 95% Wilson interval of one run's test accuracy or p-rate (raw or per class)
    from its test counts; None for other metrics or a run without test/confusion_matrix."""
    confusion = metrics.get(TEST_CONFUSION)
    if confusion is None:
        return None
    counts = np.asarray(confusion, dtype=np.int64)
    if name == TEST_ACC:
        return wilson_interval(int(np.trace(counts)), int(counts.sum()))
    match = RATE_NAME.fullmatch(name)
    minority = metrics.get("minority")
    if not match or minority is None:
        return None
    source, target, per_class = match.groups()
    interval = wilson_interval(*group_counts(counts, minority, source, target))
    if interval is None or not per_class:
        return interval
    slots = landing_classes(minority, len(counts))[source, target]
    return interval.scaled(1 / slots) if slots else None
