"""The confusion-matrix figure of one run: a PNG in its folder and an image in W&B."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server, in CI or in a subprocess

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402


def plot_confusion_matrix(confmat: list[list[int]], minority: list[int], path: Path, title: str):
    """Writes the row-normalised confusion matrix (rows: true digit, columns: prediction) to
    path as PNG; minority digits are marked with '*' so the I/A blocks can be read off."""
    counts = np.asarray(confmat, dtype=float)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    names = [f"{c}*" if c in minority else str(c) for c in range(len(counts))]
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
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
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit (* = minority set I)")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="share of the true digit's test images")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
