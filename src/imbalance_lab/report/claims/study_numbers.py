"""The study's own numbers against here's: could one run of ours have given the study's number?
The study reports one run each, so its number is set against the 95% prediction interval of a
single new run of ours (engine.inference.prediction_interval), not against the interval of our
mean: 'matches' when it lies inside, 'higher / lower here' when our runs lie above / below it."""

from __future__ import annotations

from dataclasses import dataclass

from imbalance_lab.metrics.names import TEST_ACC
from imbalance_lab.report.claims.study_models import baseline_points, error, matches
from imbalance_lab.report.claims.study_settings import usual_training
from imbalance_lab.report.engine.inference import prediction_interval
from imbalance_lab.report.engine.measures import combine, shared_seeds
from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.labels import PRETTY

STUDY_BASELINES = {"cnn": 0.9915, "rnn": 0.9839}  # section 2, "the original dataset"
# Section 3.2: ROS with rotation; the study says neither at which ρ nor for which model.
STUDY_ROS = {"cnn": 0.9861, "rnn": 0.9861}
ROS_SETTING = {"method": "ros", "inv_rho": 1, "rotation": 25, "rho": 10}
STUDY_ERROR_RATIO = 0.0085 / 0.0161  # section 4.2: the CNN's error over the LSTM's, 0.53
MATCHES, HIGHER, LOWER = "matches", "higher here", "lower here"


@dataclass(frozen=True)
class NumberCheck:
    """One of the study's numbers beside here's runs: the 95% prediction interval of one new
    run of ours and what it says about the study's number."""

    section: str
    what: str
    study: float
    values: list[float]
    low: float
    high: float
    verdict: str
    setting: str


def check_number(section, what, study, values, setting, test_size=None) -> NumberCheck | None:
    """Returns the check of the study's number against the prediction interval of values (two
    or more runs); None with fewer. An accuracy (test_size given) is a share: its interval is
    cut to [0, 1], where two seeds' t-factor of 12.7 would carry it past 100%."""
    if len(values) < 2:
        return None
    low, high = prediction_interval(values, test_size)
    if test_size is not None:
        low, high = max(low, 0.0), min(high, 1.0)
    verdict = MATCHES if low <= study <= high else HIGHER if study < low else LOWER
    return NumberCheck(section, what, study, values, low, high, verdict, setting)


def number_checks(points: list[Point]) -> list[NumberCheck]:
    """Returns the checks of the study's accuracies (baselines, ROS with rotation) and its
    CNN / LSTM error ratio against here's runs."""
    baselines, how = baseline_points(points)
    ros = [p for p in usual_training(points) if matches(p.config, ROS_SETTING)]
    cases = [
        ("Section 2", "baseline test accuracy", STUDY_BASELINES, baselines, how),
        (
            "Section 3.2",
            "ROS with rotation, test accuracy",
            STUDY_ROS,
            ros,
            "ρ=10, ROS to 1/ρ=1, rotation ±25°",
        ),
    ]
    checks = []
    for section, what, numbers, chosen, setting in cases:
        for model, study in numbers.items():
            for point in (p for p in chosen if p.config.get("model") == model):
                size = point.runs[0].test_size
                found = check_number(
                    section, f"{PRETTY[model]} {what}", study, point.values(TEST_ACC), setting, size
                )
                checks += [found] if found else []
    pairs = {m: [p for p in baselines if p.config.get("model") == m] for m in ("cnn", "rnn")}
    if pairs["cnn"] and pairs["rnn"]:
        errors = [error(pairs[m][0]) for m in ("cnn", "rnn")]
        ratio = combine("CNN / LSTM error", lambda c, r: c / r if r else float("nan"), *errors)
        values = [v for v in ratio.values(shared_seeds(ratio)) if v == v]
        found = check_number(
            "Section 4.2", "CNN / LSTM test error ratio (per seed)", STUDY_ERROR_RATIO, values, how
        )
        checks += [found] if found else []
    return checks
