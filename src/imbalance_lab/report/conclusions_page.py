"""conclusions.md: the header, every claim's three-way verdict on the raw and on the
per-class rates, the study beside here, and each claim's rule and numbers."""

from __future__ import annotations

from imbalance_lab.report.claims_methods import (
    augmentation_claim,
    conclusion_3,
    lstm_weighting_claim,
    weighted_cnn,
)
from imbalance_lab.report.claims_models import depth_claim, error_claim, parameter_claim
from imbalance_lab.report.claims_rates import conclusion_1, conclusion_2, imbalance_effect, ros_gap
from imbalance_lab.report.header import SweepFacts, header_lines, is_smoke
from imbalance_lab.report.points import Point
from imbalance_lab.report.runs import Run, status_counts
from imbalance_lab.report.study import study_lines
from imbalance_lab.report.text import counted, markdown_table
from imbalance_lab.report.verdicts import NO_DATA, Verdict


def judge(points: list[Point]) -> list[tuple[Verdict, Verdict | None]]:
    """Returns each claim's verdict on the raw rates with its verdict on the per-class rates
    (None for claims that read accuracies only, which the correction cannot change)."""
    return [
        (imbalance_effect(points), imbalance_effect(points, corrected=True)),
        (conclusion_1(points), conclusion_1(points, corrected=True)),
        (ros_gap(points, "cnn"), ros_gap(points, "cnn", corrected=True)),
        (ros_gap(points, "rnn"), ros_gap(points, "rnn", corrected=True)),
        (conclusion_2(points), None),
        (weighted_cnn(points), weighted_cnn(points, corrected=True)),
        (lstm_weighting_claim(points), lstm_weighting_claim(points, corrected=True)),
        (conclusion_3(points), None),
        (augmentation_claim(points), None),
        (parameter_claim(points), None),
        (error_claim(points), None),
        (depth_claim(points), None),
    ]


def _survival(raw: Verdict, fixed: Verdict | None) -> str:
    """Returns the per-class column of the verdict table."""
    if fixed is None:
        return "unaffected: reads accuracies only"
    if NO_DATA in (raw.verdict, fixed.verdict):
        return fixed.verdict
    kept = "survives" if fixed.verdict == raw.verdict else "does not survive"
    return f"{fixed.verdict}: {kept} the correction"


def conclusions_markdown(runs: list[Run], points: list[Point], facts: list[SweepFacts]) -> str:
    """Returns conclusions.md: the header (and the smoke-run warning), a verdict table that
    says which verdicts survive the per-class correction, the study beside here, then each
    claim's rule and numbers."""
    counts, verdicts = status_counts(runs), judge(points)
    smoke = is_smoke(facts)
    column = "verdict on smoke-sized runs (not the study's)" if smoke else "verdict"
    table = [[r.claim, f"**{r.verdict}**", _survival(r, f)] for r, f in verdicts]
    lines = [
        "# The study's conclusions on this data",
        "",
        *header_lines(facts),
        "",
        f"{counted(counts['finished'], 'finished run')} in {counted(len(points), 'setting')} "
        f"({counts['failed']} failed and {counts['unfinished']} unfinished not used). "
        "Numbers: mean [95% interval]: a t-interval over seeds, or for one seed the Wilson "
        "interval of its test counts; differences between settings are bounded by interval "
        "arithmetic.",
        "",
        "A claim **holds** when every comparison it makes holds with intervals apart, **does "
        "not hold** when one comparison goes the other way with intervals apart, and is "
        "**undecided** otherwise (intervals overlap, or one seed left a number without an "
        "interval); **not enough data** when the sweeps hold no run it can be tested on.",
        "",
        "An error can land in k_b wrong classes of group b (k_b − 1 in its own group), so raw "
        "rates favour the larger group; the per-class rates (`_per_class`) divide that count out."
        " The last column judges each claim that reads rates again on them.",
        "",
        *markdown_table(["claim", column, "on per-class rates"], table),
        "",
        *study_lines(points, [raw for raw, _ in verdicts], column),
    ]
    for raw, fixed in verdicts:
        for verdict, suffix in ((raw, ""), (fixed, ", on per-class rates")):
            if verdict:
                said = f"**{verdict.verdict}**" + (" (on smoke-sized runs)" if smoke else "")
                lines += ["", f"## {verdict.claim}{suffix}", "", f"{said}.", ""]
                lines += [f"Rule: {verdict.rule}.", "", *[f"- {e}" for e in verdict.evidence]]
    return "\n".join(lines) + "\n"
