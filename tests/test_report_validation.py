"""validation.md: per-epoch validation curves over seeds, the epoch budget read from them, and
the header that marks reduced runs."""

import pytest

from imbalance_lab.report.engine.points import Point, grid_points
from imbalance_lab.report.engine.runs import Run
from imbalance_lab.report.header import sweep_facts
from imbalance_lab.report.validation import curve, epochs_within, validation_markdown

FULL = {"train/size": 50_000, "data/test_size": 10_000, "data/test_split_size": 10_000}


def run(accuracies: list[float], seed: int, model: str = "cnn", **metrics) -> Run:
    """Returns a finished run whose history holds these validation accuracies, epoch 1 on."""
    history = [{"epoch": e + 1, "val/acc": a} for e, a in enumerate(accuracies)]
    return Run({"model": model, "seed": seed}, metrics={**FULL, **metrics}, history=history)


def test_the_curve_is_the_mean_over_seeds_epoch_by_epoch():
    point = Point(config={"model": "cnn"}, runs=[run([0.9, 0.96], 0), run([0.94, 0.98], 1)])
    assert curve(point) == pytest.approx([0.92, 0.97])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.95, 0.980, 0.985, 0.986], 3),  # from epoch 3 on within 0.003 of 0.986
        ([0.95, 0.984, 0.980, 0.986], 4),  # epoch 3 dips below 0.983: only the last counts
        ([0.99], 1),
        ([], None),
    ],
)
def test_epochs_within_needs_every_later_epoch_within_the_tolerance(values, expected):
    assert epochs_within(values) == expected


def test_the_page_lists_each_point_with_its_epochs_and_budget():
    cnn = Point(config={"model": "cnn"}, runs=[run([0.95, 0.985, 0.986], s) for s in (0, 1)])
    rnn = Point(config={"model": "rnn"}, runs=[run([0.90, 0.95, 0.97], 0, "rnn")])
    text = validation_markdown([cnn, rnn], sweep_facts([*cnn.runs, *rnn.runs], [cnn, rnn]))
    assert "| e1 | e2 | e3 |" in text
    cnn_row = next(line for line in text.splitlines() if line.startswith("| CNN"))
    assert "95.00%" in cnn_row and cnn_row.rstrip(" |").endswith("2")
    rnn_row = next(line for line in text.splitlines() if line.startswith("| LSTM"))
    assert rnn_row.rstrip(" |").endswith("3")


def test_the_page_marks_reduced_runs():
    # Three epochs, three seeds, every test image: only the slice of training images cut.
    full = [run([0.95, 0.985, 0.986], s) for s in range(3)]
    text = validation_markdown(
        [Point({"model": "cnn"}, full)], sweep_facts(full, grid_points(full))
    )
    assert "REDUCED RUNS" not in text
    cut = [run([0.95, 0.985, 0.986], s, **{"train/images_per_epoch": 2_560}) for s in range(3)]
    text = validation_markdown([Point({"model": "cnn"}, cut)], sweep_facts(cut, grid_points(cut)))
    assert text.index("REDUCED RUNS") < text.index("| setting |")
    assert "2,560 of 50,000 training images per epoch" in text
    row = next(line for line in text.splitlines() if line.startswith("| CNN"))
    assert row.startswith("| CNN | 3 | 2,560 |")  # the images it trained on per epoch
