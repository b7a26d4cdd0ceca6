"""The report's figures, drawn with matplotlib from plain numbers (no records, no files read):
error rates against a setting, one panel per model and setting, and accuracy by method."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server, in CI or in a subprocess

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402
from matplotlib.ticker import NullFormatter, ScalarFormatter  # noqa: E402

Curve = tuple[list[float], list[float], list[float]]  # (xs, means, stds over seeds)
DPI = 120
ERROR_BARS = "error bars: ± 1 standard deviation over seeds"


def _grid(n: int, width: float, height: float, per_row: int = 2):
    """Returns (figure, axes) with n panels, per_row in a row, unused panels hidden."""
    cols = min(n, per_row)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(width * cols, height * rows), squeeze=False, sharey=True
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat[:n]


def _zero_nan(values: list[float]) -> list[float]:
    """Returns values with NaN as 0: one seed has no std, so no bar rather than no point."""
    return [0.0 if math.isnan(v) else v for v in values]


def rate_figure(
    panels: dict[str, dict[str, Curve]],
    path: Path,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
) -> Path:
    """Returns path, where it saved one panel per entry of panels ({panel title: {line label:
    (xs, means, stds)}}), each line with error bars."""
    fig, axes = _grid(len(panels), 5.4, 4.0)
    for number, (ax, (name, lines)) in enumerate(zip(axes, panels.items(), strict=True)):
        for label, (xs, means, stds) in lines.items():
            ax.errorbar(xs, means, yerr=_zero_nan(stds), marker="o", capsize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        if number % 2 == 0:  # the y axis is shared along a row: label it once
            ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if log_x:
            # Tick exactly the grid values (1, 2, 5, 10, 20), not powers of ten.
            ax.set_xscale("log")
            ax.set_xticks(sorted({x for xs, _, _ in lines.values() for x in xs}))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize="small")
    _save(fig, f"{title}\n({ERROR_BARS})", path)
    return path


def _save(fig, title: str, path: Path) -> None:
    """Titles the figure, saves it to path as PNG and frees it."""
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def accuracy_figure(
    categories: list[str],
    panels: dict[str, dict[str, list[tuple[float, float, float]]]],
    path: Path,
    *,
    title: str,
) -> Path:
    """Returns path, where it saved one panel per metric ({metric label: {model label: [(best
    mean, its std, worst mean) per category]}}): for each category and model, a filled marker at
    the best setting with its error bar, a hollow one at the worst, a line between (in %)."""
    # One panel per row: the category labels need the width.
    fig, axes = _grid(len(panels), max(5.0, 0.9 * len(categories) + 2.5), 4.6, per_row=1)
    positions = np.arange(len(categories))
    for ax, (metric, models) in zip(axes, panels.items(), strict=True):
        offsets = np.linspace(-0.15, 0.15, len(models)) if len(models) > 1 else [0.0]
        handles = []
        for offset, (model, values) in zip(offsets, models.items(), strict=True):
            best, std, worst = (100 * np.array(v, dtype=float) for v in zip(*values, strict=True))
            x = positions + offset
            ax.vlines(x, worst, best, color="grey", linewidth=1)
            bars = ax.errorbar(
                x, best, yerr=np.nan_to_num(std), fmt="o", capsize=3, label=f"{model}: best"
            )
            handles += [
                bars,
                ax.scatter(
                    x,
                    worst,
                    facecolors="none",
                    edgecolors=bars[0].get_color(),
                    label=f"{model}: worst",
                ),
            ]
        ax.set_xlim(-0.5, len(categories) - 0.5)
        ax.set_xticks(positions, categories, rotation=30, ha="right", fontsize="small")
        ax.set_ylabel(f"{metric} (%)")
        ax.set_title(f"Test {metric}")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(handles=handles, fontsize="small")
    _save(fig, f"{title}\n(best and worst setting of each grid; {ERROR_BARS})", path)
    return path
