"""conclusions.md: every claim's verdict on a sweep, on the raw and on the per-class rates,
with the rule and the numbers behind it."""

from __future__ import annotations

from imbalance_lab.conclusions import (
    NO_DATA,
    Verdict,
    augmentation_claim,
    conclusion_1,
    conclusion_2,
    conclusion_3,
    depth_claim,
    lstm_weighting_claim,
    parameter_claim,
)
from imbalance_lab.sweep_results import Point, Run, status_counts


def judge(points: list[Point]) -> list[tuple[Verdict, Verdict | None]]:
    """Returns each claim's verdict on the raw rates with its verdict on the per-class rates
    (None for claims that read accuracies only, which the correction cannot change)."""
    return [
        (conclusion_1(points), conclusion_1(points, corrected=True)),
        (conclusion_2(points), None),
        (conclusion_3(points), None),
        (augmentation_claim(points), None),
        (lstm_weighting_claim(points), lstm_weighting_claim(points, corrected=True)),
        (parameter_claim(points), None),
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


def conclusions_markdown(runs: list[Run], points: list[Point], sources: list[str]) -> str:
    """Returns conclusions.md: a verdict table that says which verdicts survive the per-class
    correction, then each claim's rule and numbers."""
    counts, verdicts = status_counts(runs), judge(points)
    lines = [
        "# The study's conclusions on this data",
        "",
        f"From {', '.join(sources)}: {counts['finished']} finished runs in {len(points)} settings"
        f" ({counts['failed']} failed and {counts['unfinished']} unfinished runs not used). "
        "Means are over seeds, ± the sample standard deviation.",
        "",
        "An error can land in k_b wrong classes of group b (k_b − 1 in its own group), so raw "
        "rates favour the larger group; the per-class rates (`_per_class`) divide that count out."
        " The last column judges each claim that reads rates again on them.",
        "",
        "| claim | verdict | on per-class rates |",
        "| --- | --- | --- |",
        *[f"| {r.claim} | **{r.verdict}** | {_survival(r, f)} |" for r, f in verdicts],
    ]
    for raw, fixed in verdicts:
        for verdict, suffix in ((raw, ""), (fixed, ", on per-class rates")):
            if verdict:
                lines += ["", f"## {verdict.claim}{suffix}", "", f"**{verdict.verdict}.**", ""]
                lines += [f"Rule: {verdict.rule}.", "", *[f"- {e}" for e in verdict.evidence]]
    return "\n".join(lines) + "\n"
