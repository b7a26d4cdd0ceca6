"""ranking.md and methods_ranking.png: in every setting several methods share, the methods by
mean test balanced accuracy, each against no correction and against the method best on
validation, as paired comparisons corrected across the methods (claims/methods.py)."""

from __future__ import annotations

import statistics
from pathlib import Path

from imbalance_lab.metrics.names import TEST_BAL_ACC
from imbalance_lab.report.claims.methods import MethodGroup, method_label, rank
from imbalance_lab.report.engine.points import Point, varying_keys
from imbalance_lab.report.engine.stats import no_value
from imbalance_lab.report.engine.verdicts import CONTRADICTS, OPEN, SUPPORTS, Verdict
from imbalance_lab.report.figures import error_bars, panels, save
from imbalance_lab.report.labels import describe
from imbalance_lab.report.plots import caption, seed_interval
from imbalance_lab.report.text import markdown_table, with_interval
from imbalance_lab.report.verdict_text import effect_text, outcome_text, p_text

RANKED_BY = {TEST_BAL_ACC: "balanced accuracy", "test/roc_auc": "ROC AUC"}
WORDS = {
    "none": {SUPPORTS: "above none", CONTRADICTS: "below none"},
    "best": {SUPPORTS: "below the best", CONTRADICTS: "above the best"},
}


def _label(context: tuple, shown: list[str]) -> str:
    """Returns the context's pairs limited to the keys that vary between groups."""
    return describe([(k, v) for k, v in context if k in shown])


def _cells(verdict: Verdict | None, method: str, words: dict[str, str]) -> list[str]:
    """Returns (difference [95% CI], Holm's p, outcome) of a method in a family, or dashes."""
    found = next((c for c in verdict.comparisons if c.label == method), None) if verdict else None
    if found is None:
        return ["—", "—", "—"]
    outcome = words.get(found.outcome) or outcome_text(found).replace(OPEN, "not told apart")
    return [effect_text(found), p_text(found.p_adjusted), outcome]


def _seeds_line(group: MethodGroup) -> str:
    """Returns how many methods are told apart from none, and the seeds the rest would need."""
    if group.versus_none is None:
        return "No method none in this setting: nothing to compare against."
    comparisons = group.versus_none.comparisons
    decided = [c for c in comparisons if c.outcome in (SUPPORTS, CONTRADICTS)]
    wanted = [c.seeds for c in comparisons if c.outcome == OPEN and c.seeds]
    line = f"{len(decided)} of {len(comparisons)} methods told apart from none at these seeds"
    if wanted:
        line += f"; the others would likely need ~{int(statistics.median(wanted))} seeds (median)"
    return line + "."


def ranking_markdown(points: list[Point]) -> str:
    """Returns ranking.md."""
    groups = rank(points)
    if not groups:
        return "# Methods ranked\n\nNo setting holds runs of two or more methods.\n"
    shown = varying_keys([dict(g.context) for g in groups]) or ["model"]
    lines = [
        "# Methods ranked",
        "",
        "Per setting, the methods by mean test balanced accuracy over seeds [95% t-interval]. "
        "'− none': the method's balanced accuracy minus no correction's, a paired t-test over "
        "the seeds both ran; 'best − method': the method best on validation balanced accuracy "
        "(chosen on validation, never on test) minus the method. Each column's p-values are "
        "corrected with Holm's method over the methods of the setting. 'not told apart (~k "
        "seeds)': undecided at these seeds; k seeds would likely (80% power) tell it apart at "
        "the observed difference and spread.",
        "",
    ]
    columns = ["rank", "method", "balanced accuracy", "n", "− none", "p (Holm)", "vs none"]
    columns += ["best − method", "p (Holm)", "vs best on validation"]
    for group in groups:
        best = method_label(group.best, group.points) if group.best else "—"
        lines += [f"## {_label(group.context, shown)}", "", f"Best on validation: {best}.", ""]
        rows = []
        for position, point in enumerate(group.points, 1):
            method = method_label(point, group.points)
            shown_mean = with_interval(point.interval(TEST_BAL_ACC), point.mean(TEST_BAL_ACC))
            row = [position, method, shown_mean, point.n]
            row += _cells(group.versus_none, method, WORDS["none"])
            row += _cells(group.versus_best, method, WORDS["best"])
            rows.append(row)
        lines += [*markdown_table(columns, rows), "", _seeds_line(group), ""]
    return "\n".join(lines)


def ranking_figure(points: list[Point], path: Path) -> Path | None:
    """Returns path, where it saved horizontal bars of each method's balanced accuracy and
    ROC AUC (95% t-interval over seeds, cut to [0, 1]), one row of panels per shared setting;
    None with nothing to rank."""
    groups = rank(points)
    if not groups:
        return None
    shown = varying_keys([dict(g.context) for g in groups]) or ["model"]
    height = 0.35 * max(len(g.points) for g in groups) + 1.2
    fig, axes = panels(2 * len(groups), 5.5, height, sharey=False)
    for row, group in enumerate(groups):
        ranked = group.points[::-1]  # barh draws bottom-up: best on top
        names = [method_label(p, group.points) for p in ranked]
        for ax, (metric, name) in zip(axes[2 * row : 2 * row + 2], RANKED_BY.items(), strict=True):
            means, lows, highs = zip(*(seed_interval(p, metric) for p in ranked), strict=True)
            ax.set_xlabel(f"test {name}")
            ax.set_title(_label(group.context, shown), fontsize=9)
            if all(no_value(m) for m in means):  # older runs lack ROC AUC: say so, no bars
                ax.text(0.5, 0.5, f"no {name} in these runs", ha="center", transform=ax.transAxes)
                continue
            bars = error_bars(means, lows, highs)
            ax.barh(names, means, xerr=bars, color="tab:blue", alpha=0.8, capsize=3)
            low = min((m for m in means if not no_value(m)), default=0.0)
            ax.set_xlim(max(0.0, low - 0.05), 1.0)
    used = [p for g in groups for p in g.points]
    title = f"Methods ranked (sorted by balanced accuracy)\n({caption(used)})"
    return save(fig, title, path)
