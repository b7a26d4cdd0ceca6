"""Which grid points stand for what in the study: uncorrected trainings (method none, weight 1
or ROS to the data's own 1/ρ train the same model), the usual training (Adam, lr 1e-3, 10
epochs), imbalanced settings; and the margins of "almost the same" the study's words need."""

from __future__ import annotations

from collections import Counter

from imbalance_lab.metrics.groups import landing_classes
from imbalance_lab.report.engine.points import Point, group_by

# "Almost the same" / "no improvement" as a stated margin for equivalence tests (TOST): half a
# point (0.005) of a rate or of an accuracy. The study gives no number; half a point is below
# the smallest change its figures call a change (the rises of Fig. 4 are several points).
RATE_MARGIN = 0.005
ACCURACY_MARGIN = 0.005
CORRECTION_KEYS = ("method", "inv_rho", "weight")  # what a correction method changes in a setting


def rate_margin(name: str, point: Point) -> float:
    """Returns the margin of 'almost the same' for a rate: RATE_MARGIN, divided for a per-class
    rate by the wrong classes it can land in (as the rate itself is), so that both readings
    allow the same change in errors."""
    if not name.endswith("_per_class"):
        return RATE_MARGIN
    source, target = name.removeprefix("test/p_").removesuffix("_per_class").split("_to_")
    minority = point.runs[0].metrics.get("minority", [])
    slots = landing_classes(minority, int(point.config.get("data.num_classes", 10)))
    return RATE_MARGIN / max(slots[source, target], 1)


def is_imbalanced(config: dict) -> bool:
    """Returns whether the setting's training data is imbalanced (rho > 1)."""
    return float(config.get("rho", 1)) > 1


def is_uncorrected(config: dict) -> bool:
    """Returns whether a setting trains without correction: method none, weight 1, or ROS to no
    more than the data's own 1/rho. Every other method (focal, ldam, rus, ...) corrects."""
    method = config.get("method", "none")  # runs from before imbalance.method existed: none
    if method == "weighted":
        return config.get("weight") == 1
    if method == "ros":
        return float(config.get("inv_rho", 1)) <= 1 / float(config.get("rho", 1)) + 1e-9
    return method == "none"


def uncorrected_trainings(points: list[Point]) -> list[Point]:
    """Returns the uncorrected points merged into one Point per training, named method none
    (with method none's setting where there is one) and holding one run per seed, none's first.

    Uncorrected points of one setting from different sweeps (method none, weight 1, ROS to the
    data's own 1/rho) train the same model on the same data at the same seed: pooling them
    would count one measurement two or three times and narrow the t-interval."""
    merged = []
    for group in group_by(points, CORRECTION_KEYS, is_uncorrected).values():
        ordered = sorted(group, key=lambda p: p.config.get("method") != "none")
        by_seed: dict[object, object] = {}
        for run in (run for point in ordered for run in point.runs):
            by_seed.setdefault(run.seed, run)
        config = {**ordered[0].config, "method": "none"}
        merged.append(Point(config=config, runs=list(by_seed.values())))
    return merged


def usual_training(points: list[Point]) -> list[Point]:
    """Returns the points trained like most runs (optimizer, lr, epochs): the SGD runs of the
    depth study must not stand beside the Adam runs as if they were another method."""
    keys = ("optimizer", "lr", "epochs")
    setups = Counter(tuple(p.config.get(k) for k in keys) for p in points for _ in p.runs)
    usual = setups.most_common(1)[0][0] if setups else None
    return [p for p in points if tuple(p.config.get(k) for k in keys) == usual]


def without(points: list[Point], **unwanted) -> list[Point]:
    """Returns the points whose config has none of the unwanted values."""
    return [p for p in points if not any(p.config.get(k) == v for k, v in unwanted.items())]
