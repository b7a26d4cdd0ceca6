"""Methods ranked against each other: for every setting that several methods share (model,
rho, profile, ...), the methods ordered by mean balanced accuracy and by mean ROC AUC over
seeds, each with its 95% interval; as a markdown table and a figure (experiment=methods,
experiment=buda)."""

from __future__ import annotations

from pathlib import Path

from imbalance_lab.report.figures import error_bars, panels, save
from imbalance_lab.report.labels import describe
from imbalance_lab.report.plots import caption, seed_interval
from imbalance_lab.report.points import (
    Point,
    group_by,
    is_uncorrected,
    uncorrected_trainings,
    varying_keys,
)
from imbalance_lab.report.stats import no_value
from imbalance_lab.report.text import markdown_table, with_interval
from imbalance_lab.report.verdicts import HOLDS, UNDECIDED, compare

RANKED_BY = {"test/bal_acc": "balanced accuracy", "test/roc_auc": "ROC AUC"}


def method_groups(points: list[Point]) -> dict[tuple, list[Point]]:
    """Returns the points grouped by everything but the method, keeping groups where at least
    two methods compete. Weight 1 or ROS to the data's own 1/rho is method none under another
    name: it joins none's runs instead of ranking as a method of its own."""
    corrected = [p for p in points if not is_uncorrected(p.config)]
    groups = group_by(corrected + uncorrected_trainings(points), drop=("method",))
    return {key: group for key, group in groups.items() if len(group) >= 2}


def _label(context: tuple, shown: list[str]) -> str:
    """Returns the context's pairs limited to the keys that vary between groups."""
    return describe([(k, v) for k, v in context if k in shown])


def _ranked(group: list[Point], metric: str) -> list[Point]:
    """Returns the group best first by mean; points without the metric rank last."""
    return sorted(group, key=lambda p: (no_value(p.mean(metric)), -p.mean(metric)))


def versus_first(first: Point, point: Point, metric: str) -> str:
    """Returns how point stands against rank 1: 'below' when rank 1's 95% interval lies wholly
    above point's, 'not told apart' when they overlap (or one has no interval), '—' for rank 1
    itself or without the metric."""
    if point is first:
        return "—"
    outcome = compare(first.interval(metric), point.interval(metric))
    if outcome == HOLDS:
        return "below"
    return "not told apart" if outcome == UNDECIDED else "—"


def ranking_markdown(points: list[Point]) -> str:
    """Returns ranking.md: per shared setting, the methods by balanced accuracy and ROC AUC."""
    groups = method_groups(points)
    if not groups:
        return "# Methods ranked\n\nNo setting holds runs of two or more methods.\n"
    shown = varying_keys([dict(key) for key in groups]) or ["model"]
    lines = [
        "# Methods ranked",
        "",
        "Mean over seeds [95% interval: t over seeds, or Wilson from the test counts for one "
        "seed where the metric has counts]; n = seeds. 'vs rank 1': below when rank 1's interval "
        "lies wholly above the method's; not told apart by these runs when the two overlap.",
        "",
    ]
    for context, group in groups.items():
        lines += [f"## {_label(context, shown)}", ""]
        for metric, name in RANKED_BY.items():
            ranked = _ranked(group, metric)
            rows = [
                [
                    rank,
                    point.config["method"],
                    with_interval(point.interval(metric), point.mean(metric)),
                    point.n,
                    versus_first(ranked[0], point, metric),
                ]
                for rank, point in enumerate(ranked, 1)
            ]
            header = ["rank", "method", name, "n", "vs rank 1"]
            lines += [f"By {name}:", "", *markdown_table(header, rows), ""]
    return "\n".join(lines)


def ranking_figure(points: list[Point], path: Path) -> Path | None:
    """Returns path, where it saved horizontal bars of each method's balanced accuracy and
    ROC AUC (95% t-interval over seeds), one row of panels per shared setting; None with
    nothing to rank."""
    groups = method_groups(points)
    if not groups:
        return None
    shown = varying_keys([dict(key) for key in groups]) or ["model"]
    height = 0.35 * max(len(g) for g in groups.values()) + 1.2
    fig, axes = panels(2 * len(groups), 5.5, height, sharey=False)
    for row, (context, group) in enumerate(groups.items()):
        ranked = _ranked(group, "test/bal_acc")[::-1]  # barh draws bottom-up: best on top
        names = [str(p.config["method"]) for p in ranked]
        for ax, (metric, name) in zip(axes[2 * row : 2 * row + 2], RANKED_BY.items(), strict=True):
            means, lows, highs = zip(*(seed_interval(p, metric) for p in ranked), strict=True)
            ax.set_xlabel(f"test {name}")
            ax.set_title(_label(context, shown), fontsize=9)
            if all(no_value(m) for m in means):  # older runs lack ROC AUC: say so, no bars
                ax.text(0.5, 0.5, f"no {name} in these runs", ha="center", transform=ax.transAxes)
                continue
            ax.barh(
                names,
                means,
                xerr=error_bars(means, lows, highs),
                color="tab:blue",
                alpha=0.8,
                capsize=3,
            )
            low = min((m for m in means if not no_value(m)), default=0.0)
            ax.set_xlim(max(0.0, low - 0.05), 1.0)
    used = [p for g in groups.values() for p in g]
    title = f"Methods ranked (sorted by balanced accuracy)\n({caption(used)})"
    return save(fig, title, path)
