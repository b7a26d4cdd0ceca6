"""The confusion-matrix figure of one run: a PNG in its folder and an image in W&B."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure  # no pyplot: no display, no global figure state


def plot_confusion_matrix(confmat: list[list[int]], minority: list[int], path: Path, title: str):
    """Writes the row-normalised confusion matrix (rows: true class, columns: prediction) to
    path as PNG; minority classes are marked with '*' so the I/A blocks can be read off."""
    counts = np.asarray(confmat, dtype=float)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    names = [f"{c}*" if c in minority else str(c) for c in range(len(counts))]
    fig = Figure(figsize=(6.4, 5.6))
    ax = fig.add_subplot()
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for true in range(len(counts)):
        for predicted in range(len(counts)):
            if counts[true, predicted]:
                color = "white" if rates[true, predicted] > 0.5 else "black"
                ax.text(
                    predicted,
                    true,
                    int(counts[true, predicted]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=color,
                )
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class (* = minority set I)")
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, label="share of the true class's test images")
    # Fixed margins: tight_layout would draw the figure twice (0.2 vs 0.3 s a call).
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.9)  # room for two title lines
    fig.savefig(path, dpi=120)
