"""The report's summary: summary.csv and summary.md, one row per grid point with the mean, std,
95% interval and n of each metric (runs.csv, one row per run: engine/table.py)."""

from __future__ import annotations

from imbalance_lab.metrics.names import TEST_ACC, TEST_BAL_ACC
from imbalance_lab.report.engine.points import Point, varying_keys
from imbalance_lab.report.engine.runs import CORRECTED_METRICS, RATE_METRICS, SUMMARY_METRICS
from imbalance_lab.report.header import SweepFacts, header_lines, repeat_lines
from imbalance_lab.report.labels import metric_label
from imbalance_lab.report.text import Table, cell, counted, markdown_table, sizes, with_interval

SUMMARY_STATS = ("mean", "std", "95% low", "95% high")


def interval_kind(point: Point) -> str:
    """Returns which 95% interval the point's row shows: t over its seeds, or Wilson from the
    test counts of its one run."""
    if point.n > 1:
        return f"t over {point.n} seeds"
    size = point.runs[0].test_size
    return f"Wilson, one seed ({size:,} test images)" if size else "none: one seed"


def _stats(point: Point, metric: str) -> list[float | None]:
    """Returns (mean, std, 95% low, 95% high) of the metric at the point."""
    found = point.interval(metric)
    low, high = (found.low, found.high) if found else (None, None)
    return [point.mean(metric), point.std(metric), low, high]


def summary_table(points: list[Point]) -> Table:
    """Returns summary.csv: per grid point its varying settings, n seeds, the interval used,
    and the mean, std, 95% low and high of every summary metric."""
    keys = varying_keys([p.config for p in points]) or ["model"]
    stats = [f"{m} {s}" for m in SUMMARY_METRICS for s in SUMMARY_STATS]
    rows = [
        [*[p.config.get(k) for k in keys], p.n, interval_kind(p)]
        + [v for m in SUMMARY_METRICS for v in _stats(p, m)]
        for p in points
    ]
    return [*keys, "n", "interval", *stats], [[cell(v) for v in row] for row in rows]


def summary_markdown(points: list[Point], counts: dict[str, int], facts: list[SweepFacts]) -> str:
    """Returns summary.md: the header, then per grid point the mean [95% interval] of the
    accuracies with the raw rates, and of the per-class rates."""
    keys = varying_keys([p.config for p in points]) or ["model"]
    tests = sizes([r.test_size for p in points for r in p.runs if r.test_size])
    lines = [
        "# Summary per grid point",
        "",
        *header_lines(facts),
        "",
        *[f"{line}\n" for line in repeat_lines(points)],
        f"{counted(counts['finished'], 'finished run')} ({counts['failed']} failed, "
        f"{counts['unfinished']} unfinished: see runs.csv), each tested on {tests} test images. "
        "Each cell: mean over the n seeds [95% interval]: a t-interval over seeds, or for one seed"
        " the Wilson interval of the run's test counts (accuracy and rates only; the column "
        "'interval' says which). With few seeds a t-interval is wide (t = 12.71 for two seeds, "
        "4.30 for three); a share's interval is cut to [0, 1]. Rates p_a→b: share of group a's "
        "test images predicted as a wrong class of group b (I minority, A majority); per class: "
        "divided by the number of wrong classes of b it can land in.",
    ]
    for title, metrics in (
        ("Accuracy and error rates", (TEST_ACC, TEST_BAL_ACC, *RATE_METRICS)),
        ("Per-class error rates", CORRECTED_METRICS),
    ):
        columns = [*keys, "n", "interval", *map(metric_label, metrics)]
        rows = [
            [*[p.config.get(k) for k in keys], p.n, interval_kind(p)]
            + [with_interval(p.interval(m), p.mean(m)) for m in metrics]
            for p in points
        ]
        lines += ["", f"## {title}", "", *markdown_table(columns, rows)]
    if not points:
        lines += ["", "No finished runs yet."]
    return "\n".join(lines) + "\n"
