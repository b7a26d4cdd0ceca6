"""Methods ranked against each other: for every setting that several methods share (model,
rho, profile, ...), the methods ordered by balanced accuracy and by ROC AUC, mean ± std over
seeds; as a markdown table and a figure (experiment=methods, experiment=buda)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

from imbalance_lab.point_labels import describe  # noqa: E402
from imbalance_lab.sweep_results import Point, group_by, varying_keys  # noqa: E402

RANKED_BY = {"test/bal_acc": "balanced accuracy", "test/roc_auc": "ROC AUC"}


def method_groups(points: list[Point]) -> dict[tuple, list[Point]]:
    """Returns the points grouped by everything but the method, keeping groups where at least
    two methods compete; each group's context omits the keys that are the same everywhere."""
    groups = group_by(points, drop=("method",))
    return {key: group for key, group in groups.items() if len(group) >= 2}


def _label(context: tuple, shown: list[str]) -> str:
    """Returns the context's pairs limited to the keys that vary between groups."""
    return describe([(k, v) for k, v in context if k in shown]) or "all runs"


def ranking_markdown(points: list[Point]) -> str:
    """Returns ranking.md: per shared setting, the methods by balanced accuracy and ROC AUC."""
    groups = method_groups(points)
    if not groups:
        return "# Methods ranked\n\nNo setting holds runs of two or more methods.\n"
    shown = varying_keys([dict(key) for key in groups]) or ["model"]
    lines = ["# Methods ranked", "", "Mean ± standard deviation over seeds (n = seeds).", ""]
    for context, group in groups.items():
        lines += [f"## {_label(context, shown)}", ""]
        for metric, name in RANKED_BY.items():
            ranked = sorted(group, key=lambda p: -_or_minus_one(p.mean(metric)))
            lines += [
                f"By {name}:",
                "",
                f"| rank | method | {name} | n |",
                "| --- | --- | --- | --- |",
            ]
            for rank, point in enumerate(ranked, 1):
                spread = point.std(metric)
                value = f"{point.mean(metric):.4f}" + (
                    "" if spread != spread else f" ± {spread:.4f}"
                )
                lines.append(f"| {rank} | {point.config['method']} | {value} | {point.n} |")
            lines.append("")
    return "\n".join(lines)


def _or_minus_one(value: float) -> float:
    """Returns value, or -1 for NaN, so that runs lacking a metric rank last."""
    return -1.0 if value != value else value


def ranking_figure(points: list[Point], path: Path) -> Path | None:
    """Writes horizontal bars of each method's balanced accuracy and ROC AUC (± std over
    seeds), one row of panels per shared setting; returns path, or None with nothing to rank."""
    groups = method_groups(points)
    if not groups:
        return None
    shown = varying_keys([dict(key) for key in groups]) or ["model"]
    fig, axes = plt.subplots(
        len(groups),
        2,
        figsize=(11, 0.35 * max(len(g) for g in groups.values()) * len(groups) + 1.5),
        squeeze=False,
    )
    for row, (context, group) in zip(axes, groups.items(), strict=True):
        ranked = sorted(group, key=lambda p: _or_minus_one(p.mean("test/bal_acc")))
        names = [str(p.config["method"]) for p in ranked]
        for ax, (metric, name) in zip(row, RANKED_BY.items(), strict=True):
            means = [p.mean(metric) for p in ranked]
            spreads = [0.0 if p.std(metric) != p.std(metric) else p.std(metric) for p in ranked]
            ax.barh(names, means, xerr=spreads, color="tab:blue", alpha=0.8, capsize=3)
            low = min((m for m in means if m == m), default=0.0)
            ax.set_xlim(max(0.0, low - 0.05), 1.0)
            ax.set_xlabel(f"test {name}")
            ax.set_title(_label(context, shown), fontsize=9)
    fig.suptitle("Methods ranked (sorted by balanced accuracy; error bars: ± 1 std over seeds)")
    fig.tight_layout(rect=(0, 0, 1, 0.98))  # leave the top for the suptitle
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
