"""Measures: one number per seed of a grid point (a metric) or of a few points combined
(a rise, a gap, a slope), keyed by seed so that comparisons pair the runs a seed matches: a
seed fixes the initial weights, the images drawn and the batch order, so two settings at one
seed share much of their noise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from imbalance_lab.report.engine.inference import slopes
from imbalance_lab.report.engine.stats import no_value


@dataclass(frozen=True)
class Measure:
    """A labelled value per seed ({seed: value}); a seed without the value is absent."""

    label: str
    by_seed: dict[object, float]

    @property
    def n(self) -> int:
        """Returns the number of seeds measured."""
        return len(self.by_seed)

    def values(self, seeds: list | None = None) -> list[float]:
        """Returns the values of the given seeds (all, in seed order, when None)."""
        return [
            self.by_seed[s] for s in (sorted(self.by_seed, key=str) if seeds is None else seeds)
        ]

    def __sub__(self, other: Measure) -> Measure:
        """Returns self − other on the seeds both have."""
        return combine(f"{self.label} − {other.label}", lambda a, b: a - b, self, other)

    def times(self, factor: float, label: str) -> Measure:
        """Returns factor × self."""
        return Measure(label, {seed: factor * v for seed, v in self.by_seed.items()})


def shared_seeds(*measures: Measure) -> list:
    """Returns the seeds every measure has, sorted."""
    common = set(measures[0].by_seed).intersection(*(m.by_seed for m in measures[1:]))
    return sorted(common, key=str)


def combine(label: str, function: Callable[..., float], *measures: Measure) -> Measure:
    """Returns function(v1, v2, ...) per seed that every measure has."""
    seeds = shared_seeds(*measures)
    return Measure(label, {s: function(*(m.by_seed[s] for m in measures)) for s in seeds})


def metric(point, name: str, label: str | None = None) -> Measure:
    """Returns a grid point's metric per seed (runs without it left out)."""
    by_seed = {
        run.seed: float(run.metrics[name])
        for run in point.runs
        if not no_value(run.metrics.get(name))
    }
    return Measure(label or name, by_seed)


def trend(label: str, series: list[tuple[float, Measure]]) -> Measure:
    """Returns per seed the least-squares slope of a measure over a knob: series holds (knob
    value, measure) pairs, and a seed counts when it has a value at every knob value."""
    seeds = shared_seeds(*(m for _, m in series))
    return Measure(label, {s: slopes([(x, m.by_seed[s]) for x, m in series]) for s in seeds})


def per_run(point, function: Callable, label: str) -> Measure:
    """Returns function(run) per seed of a grid point (runs where it gives None left out): a
    measure of the run itself, such as its validation accuracy after the first epoch."""
    values = {run.seed: function(run) for run in point.runs}
    return Measure(label, {seed: float(v) for seed, v in values.items() if v is not None})


def rekeyed(label: str, measures: dict[object, Measure]) -> Measure:
    """Returns a measure keyed by the keys of `measures` (e.g. minority sets), each value the
    mean of that measure over its seeds: the unit becomes the key, not the seed."""
    return Measure(label, {key: sum(m.values()) / m.n for key, m in measures.items() if m.n})
