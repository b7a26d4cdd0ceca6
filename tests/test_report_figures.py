"""The report's figures laid out for reading: drawn for real with matplotlib, then measured."""

from itertools import pairwise

from matplotlib.backends.backend_agg import FigureCanvasAgg

from imbalance_lab.report import figures

# Category labels as the full-size study's report names them: every setting that differs
# between categories, so each runs to 40-60 characters.
CATEGORIES = [
    "none, profile step, validation 400 per class, precision bf16-mixed",
    "ROS, profile step, validation 400 per class, precision bf16-mixed",
    "weighted loss, profile step, validation 400 per class, precision bf16-mixed",
    "none, profile original, no validation split, precision 32-true",
]


def drawn_accuracy_figure(monkeypatch, tmp_path):
    """Returns the Figure that accuracy_figure draws for CATEGORIES, and its saved path."""
    drawn = {}

    def keep(fig, title, path):
        drawn["figure"] = fig
        return saved(fig, title, path)

    saved = figures.save
    monkeypatch.setattr(figures, "save", keep)
    per_category = [(98.0, 97.5, 98.5, 96.0)] * len(CATEGORIES)
    values = {"accuracy": {"CNN": per_category, "LSTM": per_category}}
    path = figures.accuracy_figure(CATEGORIES, values, tmp_path / "a.png", title="t")
    return drawn["figure"], path


def test_accuracy_figure_wraps_category_labels_so_that_they_never_overlap(monkeypatch, tmp_path):
    fig, path = drawn_accuracy_figure(monkeypatch, tmp_path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    canvas = FigureCanvasAgg(fig)  # laid out as savefig laid it out
    canvas.draw()
    renderer = canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 1  # one metric, one panel
    for ax in panels:
        labels = ax.get_xticklabels()
        texts = [label.get_text() for label in labels]
        # Every word of each category kept, in order; no line longer than LABEL_CHARS.
        assert [" ".join(t.split()) for t in texts] == CATEGORIES
        assert all(len(line) <= figures.LABEL_CHARS for t in texts for line in t.split("\n"))
        boxes = [label.get_window_extent(renderer) for label in labels]
        # Left to right, each label ends before the next one starts (in pixels).
        assert all(left.x1 < right.x0 for left, right in pairwise(boxes))
        # And none leaves the figure.
        assert boxes[0].x0 >= 0 and boxes[-1].x1 <= fig.bbox.width
