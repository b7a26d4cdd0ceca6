"""The study's numbers beside this project's: its baseline accuracies and ROS with rotation
against the runs that stand for them, then each claim's statement, numbers and verdict."""

from __future__ import annotations

from imbalance_lab.report.claims_models import baseline_points, matches
from imbalance_lab.report.labels import PRETTY, labels
from imbalance_lab.report.points import Point, usual_training
from imbalance_lab.report.stats import Interval, is_number, wilson_interval
from imbalance_lab.report.text import markdown_table, number, sizes, with_interval
from imbalance_lab.report.verdicts import FAILS, HOLDS, NO_DATA, UNDECIDED, Verdict, compare

ACC = "test/acc"
# The study's accuracies are on MNIST's test set: 10,000 images, so each has a Wilson interval.
STUDY_TEST_SIZE = 10_000
STUDY_BASELINES = {"cnn": 0.9915, "rnn": 0.9839}  # section 2, "the original dataset"
# Section 3.2: ROS with rotation; the study says neither at which ρ nor for which model.
STUDY_ROS = {"cnn": 0.9861, "rnn": 0.9861}
ROS_SETTING = {"method": "ros", "inv_rho": 1.0, "rotation": 25, "rho": 10}
NUMBER_VERDICTS = {
    HOLDS: "higher here",
    FAILS: "lower here",
    UNDECIDED: "matches (intervals overlap)",
    NO_DATA: NO_DATA,
}


def study_interval(accuracy: float) -> Interval:
    """Returns the study's accuracy with its Wilson interval over MNIST's 10,000 test images."""
    return wilson_interval(round(accuracy * STUDY_TEST_SIZE), STUDY_TEST_SIZE)


def accuracy_text(point: Point) -> str:
    """Returns here's test accuracy at a point: mean, std, 95% interval and n, in %."""
    found = point.interval(ACC)
    if point.n > 1:
        std = number(point.std(ACC), 2, percent=True)
        shown = with_interval(found, point.mean(ACC), 2, True)
        return f"{shown} (t over n={point.n} seeds, std {std})"
    shown = with_interval(found, point.mean(ACC), 2, True)
    return f"{shown} (one seed: Wilson over {number(point.runs[0].test_size)} test images)"


def _setting(points: list[Point], point: Point) -> str:
    """Returns the point's label among points, with its training-set size."""
    label = labels([p.config for p in points])[points.index(point)]
    trained = sizes(
        [int(r.metrics["train/size"]) for r in point.runs if is_number(r.metrics.get("train/size"))]
    )
    return f"{label}, {trained} training images"


def number_rows(points: list[Point]) -> tuple[list[list[str]], list[str]]:
    """Returns the table rows of the study's accuracies beside here's, the baselines (section
    2) and ROS with rotation (section 3.2), one row per model and matching setting; and the
    notes that say which runs stand for them."""
    rows = []
    baselines, how = baseline_points(points)
    ros = [p for p in usual_training(points) if matches(p.config, ROS_SETTING)]
    cases = [
        ("Section 2: baseline", "on the original data set", STUDY_BASELINES, baselines),
        ("Section 3.2: ROS with rotation", "with ROS and rotation", STUDY_ROS, ros),
    ]
    for section, where, accuracies, chosen in cases:
        for model, accuracy in accuracies.items():
            study = study_interval(accuracy)
            shown = with_interval(study, digits=2, percent=True)
            said = f"{PRETTY[model]}: {shown} test accuracy {where}"
            mine = [p for p in chosen if p.config.get("model") == model]
            if not mine:
                rows.append([section, said, f"no such {PRETTY[model]} run", NO_DATA])
            for point in mine:
                verdict = NUMBER_VERDICTS[compare(point.interval(ACC), study)]
                rows.append(
                    [section, said, f"{_setting(chosen, point)}: {accuracy_text(point)}", verdict]
                )
    notes = [
        f"Section 2, here: {how}.",
        "Section 3.2, here: ROS to 1/ρ = 1 with rotation ±25° at ρ = 10, trained like most runs "
        "(the study gives 98.61% for ROS with rotation, at a ρ and for a model it does not "
        "name).",
    ]
    return rows, notes


def study_lines(points: list[Point], verdicts: list[Verdict], column: str = "verdict") -> list[str]:
    """Returns the markdown of 'The study vs here': its numbers, then each claim; column names
    the verdict column (it says so on smoke-sized runs)."""
    rows, notes = number_rows(points)
    rows += [[v.claim.split(":")[0], v.study, v.here, v.verdict] for v in verdicts]
    return [
        "## The study vs here",
        "",
        "The study's accuracies carry a 95% Wilson interval over MNIST's 10,000 test images; "
        "here's a 95% t-interval over seeds (Wilson for one seed). A number 'matches' when the "
        "two intervals overlap. Claims carry the verdict of the section below.",
        "",
        *[f"- {note}" for note in notes],
        "",
        *markdown_table(["the study", "it says", "here", column], rows),
    ]
