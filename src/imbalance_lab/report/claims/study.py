"""The study's claims in the order of its report, each judged in the study's own setting first
and, where the study's wording leaves it open, in the other beside it."""

from __future__ import annotations

from imbalance_lab.report.claims.partitions import POOLED, partition_verdicts
from imbalance_lab.report.claims.study_methods import (
    augmentation_claim,
    conclusion_3,
    lstm_weighting,
    weighted_cnn,
)
from imbalance_lab.report.claims.study_models import depth_claim, error_claim, parameter_claim
from imbalance_lab.report.claims.study_rates import (
    conclusion_1,
    conclusion_2,
    imbalance_effect,
    ros_gap,
)
from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.engine.verdicts import NO_DATA, Verdict

STUDY_ROTATION, NO_ROTATION = 25, 0


def study_verdicts(points: list[Point]) -> list[tuple[Verdict, Verdict | None]]:
    """Returns each claim's verdict with its verdict on the per-class rates (None for claims
    that read accuracies only, which that correction cannot change)."""
    rated = []
    for rotation in (STUDY_ROTATION, NO_ROTATION):
        for model in ("cnn", "rnn"):
            rated.append(lambda p, pc, m=model, r=rotation: ros_gap(p, m, r, pc))
    for rotation in (STUDY_ROTATION, NO_ROTATION):
        rated.append(lambda p, pc, r=rotation: weighted_cnn(p, r, pc))
        rated.append(lambda p, pc, r=rotation: lstm_weighting(p, r, pc))
    verdicts = [(imbalance_effect(points), imbalance_effect(points, True))]
    verdicts.append((conclusion_1(points), conclusion_1(points, True)))
    verdicts += [(claim(points, False), claim(points, True)) for claim in rated[:4]]
    verdicts += [(conclusion_2(points, r), None) for r in (STUDY_ROTATION, NO_ROTATION)]
    verdicts += [(claim(points, False), claim(points, True)) for claim in rated[4:]]
    verdicts += [(conclusion_3(points), None), (augmentation_claim(points), None)]
    verdicts += [(parameter_claim(points), None), (error_claim(points), None)]
    verdicts += [(depth_claim(points, "sgd"), None), (depth_claim(points, "adam"), None)]
    for rows in partition_verdicts(points).values():
        pooled = dict(rows).get(POOLED)
        if pooled is not None and pooled.verdict != NO_DATA:
            verdicts.append((pooled, None))
    return [(raw, fixed) for raw, fixed in verdicts if raw.verdict != NO_DATA or not _optional(raw)]


def _optional(verdict: Verdict) -> bool:
    """Returns whether a verdict is one shown only where its runs exist (the second setting
    of a claim, Adam's depth claim)."""
    return "without rotation" in verdict.claim or "Adam" in verdict.claim
