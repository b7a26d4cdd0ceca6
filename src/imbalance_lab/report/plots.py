"""Which figures the grid points support and the numbers each one draws: the study's Figs. 4
to 8 (error rates against ρ, 1/ρ or the weight) and accuracy by method, with captions that say
what the error bars are and how many test images the numbers come from."""

from __future__ import annotations

import math
from pathlib import Path

from imbalance_lab.metrics.names import TEST_ACC, TEST_BAL_ACC
from imbalance_lab.metrics.reduced import reduced_note
from imbalance_lab.report import figures
from imbalance_lab.report.claims.study_settings import usual_training
from imbalance_lab.report.engine.points import Point, group_by, varying_keys
from imbalance_lab.report.engine.runs import CORRECTED_METRICS, RATE_METRICS
from imbalance_lab.report.engine.stats import is_number
from imbalance_lab.report.labels import METRIC_NAMES, describe, labels, rate_label
from imbalance_lab.report.text import sizes

RATES_AXIS = "p_a→b (share of group a's test images)"
PER_CLASS_AXIS = "p_a→b / wrong classes in b"
# method: (x setting, file name, title): the study's Figs. 4 to 8.
RATE_FIGURES = {
    "none": ("rho", "imbalance_rates", "Effect of imbalance without correction"),
    "ros": ("inv_rho", "ros_rates", "Random over-sampling (ROS): error rates by 1/ρ"),
    "weighted": ("weight", "weighted_rates", "Weighted loss: error rates by minority weight"),
}
X_AXES = {
    "rho": "imbalance ratio ρ (majority / minority class size)",
    "inv_rho": "1/ρ after over-sampling (minority / majority class size)",
    "weight": "loss weight of each minority class (majority: 1)",
}
LOG_X = {"rho", "weight"}  # grids of 1, 10, 100 and 1, 2, 5, 10, 20


def seed_interval(point: Point, metric: str) -> tuple[float, float, float]:
    """Returns (mean, 95% low, high) over the point's seeds, a share's bounds cut to [0, 1];
    NaN bounds for one seed."""
    found = point.interval(metric) if point.n > 1 else None
    return (point.mean(metric), *((found.low, found.high) if found else (math.nan, math.nan)))


def caption(points: list[Point]) -> str:
    """Returns what the error bars are (and which points have none) and how many test images
    each run's numbers come from."""
    ns = [p.n for p in points]
    single = sum(n == 1 for n in ns)
    if single == len(ns):
        bars = "one seed per point: no error bars"
    else:
        bars = f"error bars: 95% t-interval over {sizes([n for n in ns if n > 1])} seeds"
        if single:
            bars += f"; {single} of {len(ns)} points have one seed: no error bar"
    tests = sizes([r.test_size for p in points for r in p.runs if r.test_size])
    reduced = [note for p in points for r in p.runs if (note := reduced_note(r.metrics))]
    if reduced:  # a copied figure must not pass for a result
        example = reduced[0].removeprefix("reduced run: ")
        return f"{bars}; REDUCED RUNS ({len(reduced)}), e.g. {example}"
    return f"{bars}; {tests} test images per run"


def curves(points: list[Point], x: str, metrics: tuple[str, ...]):
    """Returns ({panel label: {rate label: (xs, means, lows, highs)}}, the points drawn): a
    panel per combination of the other settings with two or more numeric x values."""
    groups = {
        key: sorted(group, key=lambda p: p.config[x])
        for key, group in group_by(points, (x,), lambda c: is_number(c.get(x))).items()
        if len(group) > 1
    }
    drawn = [p for g in groups.values() for p in g]
    lines = {}
    for label, group in zip(labels([dict(k) for k in groups]), groups.values(), strict=True):
        lines[label] = {}
        for metric in metrics:
            means, lows, highs = zip(*(seed_interval(p, metric) for p in group), strict=True)
            xs = [float(p.config[x]) for p in group]
            lines[label][rate_label(metric)] = (xs, list(means), list(lows), list(highs))
    return lines, drawn


def accuracy_values(points: list[Point]) -> tuple[list[str], dict, list[Point]]:
    """Returns (category labels, {metric: {model: [(best mean, low, high, worst mean)]}}, the
    points drawn) for the points trained like most runs, one category per method setting."""
    chosen = usual_training(points)
    groups = group_by(chosen, ("model", "inv_rho", "weight"))
    configs = [dict(key) for key in groups]
    keys = ["method", *[k for k in varying_keys(configs) if k != "method"]]
    categories = [describe([(k, c.get(k)) for k in keys]) for c in configs]
    models = sorted({p.config.get("model") for p in chosen}, key=str)

    def best_worst(group: list[Point], metric: str) -> tuple[float, float, float, float]:
        """Returns (best mean, its 95% low, high, worst mean) over the group's points."""
        if not group:
            return (math.nan,) * 4
        ranked = sorted(group, key=lambda p: p.mean(metric))
        return (*seed_interval(ranked[-1], metric), ranked[0].mean(metric))

    values = {
        METRIC_NAMES[metric]: {
            describe([("model", model)]): [
                best_worst([p for p in group if p.config.get("model") == model], metric)
                for group in groups.values()
            ]
            for model in models
        }
        for metric in (TEST_ACC, TEST_BAL_ACC)
    }
    return categories, values, chosen


def draw_figures(points: list[Point], out: Path) -> list[Path]:
    """Returns the figures drawn into out: only those the points support (a rate figure needs
    two or more values of its setting in some panel)."""
    drawn = []
    for metrics, suffix in ((RATE_METRICS, ""), (CORRECTED_METRICS, "_per_class")):
        for method, (x, name, title) in RATE_FIGURES.items():
            chosen = [p for p in points if p.config.get("method") == method]
            lines, used = curves(chosen, x, metrics)
            if not lines:
                continue
            per_class = " (per-class rates)" if suffix else ""
            drawn.append(
                figures.rate_figure(
                    lines,
                    out / f"{name}{suffix}.png",
                    title=f"{title}{per_class}\n({caption(used)})",
                    xlabel=X_AXES[x],
                    ylabel=PER_CLASS_AXIS if suffix else RATES_AXIS,
                    log_x=x in LOG_X,
                )
            )
    if points:
        categories, values, used = accuracy_values(points)
        title = (
            "Test accuracy and balanced accuracy of every method\n(best and worst setting of "
            f"each grid; {caption(used)})"
        )
        path = out / "accuracy_by_method.png"
        drawn.append(figures.accuracy_figure(categories, values, path, title=title))
    return drawn
