"""The report's figures, drawn with matplotlib's object API from plain numbers (no records, no
files read): error rates against a setting, and accuracy by method."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure  # no pyplot: no display, no global figure state
from matplotlib.ticker import NullFormatter, ScalarFormatter

from imbalance_lab.report.engine.stats import no_value

# (xs, means, 95% lows, 95% highs); NaN bounds: no interval (one seed), no error bar.
Curve = tuple[list[float], list[float], list[float], list[float]]
DPI = 120
TITLE_POINTS = 12  # suptitle font size (pt)
LABEL_CHARS = 24  # characters per line of a category label under the accuracy panels


def panels(n: int, width: float, height: float, per_row: int = 2, sharey: bool = True):
    """Returns (figure, axes) with n panels of width × height inches, per_row in a row, laid
    out by constrained layout so that titles and outside legends are never cut off."""
    cols = min(n, per_row)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharey=sharey)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def save(fig: Figure, title: str, path: Path) -> Path:
    """Returns path, where it saved the figure as PNG under title, wrapped to the width."""
    # About 0.55 em per character: the characters that fit on one line of the figure's width.
    per_line = max(30, int(fig.get_figwidth() * 72 / (0.55 * TITLE_POINTS)))
    lines = [textwrap.fill(part, per_line) for part in title.split("\n")]
    fig.suptitle("\n".join(lines), fontsize=TITLE_POINTS)
    fig.savefig(path, dpi=DPI)
    return path


def error_bars(means, lows, highs) -> np.ndarray:
    """Returns the (2, N) distances from each mean down to its low and up to its high; 0 where
    there is no interval (no bar rather than no point)."""
    down = [m - low for m, low in zip(means, lows, strict=True)]
    up = [high - m for m, high in zip(means, highs, strict=True)]
    return np.array([[0.0 if no_value(d) else d for d in side] for side in (down, up)])


def rate_figure(
    curves: dict[str, dict[str, Curve]],
    path: Path,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
) -> Path:
    """Returns path, where it saved one panel per entry of curves ({panel title: {line label:
    (xs, means, lows, highs)}}), each line with its error bars and one legend outside the
    panels, so that it covers no line."""
    fig, axes = panels(len(curves), 5.0, 3.8)
    for number, (ax, (name, lines)) in enumerate(zip(axes, curves.items(), strict=True)):
        for label, (xs, means, lows, highs) in lines.items():
            yerr = error_bars(means, lows, highs)
            ax.errorbar(xs, means, yerr=yerr, marker="o", capsize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        if number % 2 == 0:  # the y axis is shared along a row: label it once
            ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if log_x:
            # Tick exactly the grid values (1, 2, 5, 10, 20), not powers of ten.
            ax.set_xscale("log")
            ax.set_xticks(sorted({x for xs, *_ in lines.values() for x in xs}))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right center", fontsize="small")
    return save(fig, title, path)


def accuracy_figure(
    categories: list[str],
    values: dict[str, dict[str, list[tuple[float, float, float, float]]]],
    path: Path,
    *,
    title: str,
) -> Path:
    """Returns path, where it saved one panel per metric ({metric label: {model label: [(best
    mean, its 95% low, high, worst mean) per category]}}): for each category and model, a
    filled marker at the best setting with its error bar, a hollow one at the worst, a line
    between (in %)."""
    # One panel per row: the category labels need the width. A label names every setting that
    # differs between categories (profile, precision, ...), so it is wrapped onto lines of
    # LABEL_CHARS characters under its column instead of slanting across its neighbours.
    categories = [textwrap.fill(c, LABEL_CHARS, break_long_words=False) for c in categories]
    width = max(7.0, 1.6 * len(categories) + 3.5)
    label_lines = max((c.count("\n") + 1 for c in categories), default=1)
    fig, axes = panels(len(values), width, 3.4 + 0.15 * label_lines, per_row=1)
    positions = np.arange(len(categories))
    handles = []
    for ax, (metric, models) in zip(axes, values.items(), strict=True):
        offsets = np.linspace(-0.15, 0.15, len(models)) if len(models) > 1 else [0.0]
        handles = []
        for offset, (model, rows) in zip(offsets, models.items(), strict=True):
            best, low, high, worst = (
                100 * np.array(v, dtype=float) for v in zip(*rows, strict=True)
            )
            x = positions + offset
            ax.vlines(x, worst, best, color="grey", linewidth=1)
            bars = ax.errorbar(
                x,
                best,
                yerr=error_bars(best, low, high),
                fmt="o",
                capsize=3,
                label=f"{model}: best",
            )
            hollow = ax.scatter(
                x, worst, facecolors="none", edgecolors=bars[0].get_color(), label=f"{model}: worst"
            )
            handles += [bars, hollow]
        ax.set_xlim(-0.5, len(categories) - 0.5)
        ax.set_xticks(positions, categories, fontsize="x-small")
        ax.set_ylabel(f"{metric} (%)")
        ax.set_title(f"Test {metric}")
        ax.grid(axis="y", alpha=0.3)
    fig.legend(handles=handles, loc="outside right center", fontsize="small")
    return save(fig, title, path)
