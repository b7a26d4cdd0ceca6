"""conclusions.md: the header, every claim's verdict (and on the per-class rates), the study's
numbers against the prediction interval of one run here, and each claim's rule, family and
comparisons."""

from __future__ import annotations

from imbalance_lab.report.claims.study import study_verdicts
from imbalance_lab.report.claims.study_numbers import number_checks
from imbalance_lab.report.claims.study_settings import ACCURACY_MARGIN, RATE_MARGIN
from imbalance_lab.report.engine.inference import MOST_SEEDS, POWER
from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.engine.runs import Run, status_counts
from imbalance_lab.report.engine.verdicts import NO_DATA, Verdict
from imbalance_lab.report.header import SweepFacts, header_lines, is_smoke
from imbalance_lab.report.text import counted, markdown_table, number
from imbalance_lab.report.verdict_text import comparison_table, seeds_text, summary

HOW = (
    "Each claim is a set of comparisons in a stated direction. Where two settings share seeds "
    "(a seed fixes the initial weights, the images drawn and the batch order) the test is a "
    "paired t-test over the seeds; where they share none, Welch's t-test; a measure against a "
    "constant (a slope against 0, an accuracy against 95%) a one-sample t-test; 'the same' "
    f"an equivalence test (TOST) within a stated margin (±{RATE_MARGIN:g} for a rate, "
    f"±{ACCURACY_MARGIN:g} for an accuracy). Holm's correction runs over every p-value of a "
    "claim (its family), so the chance of any false finding in a claim stays at 5%. A claim "
    "**holds** when every comparison is significant in its direction after the correction, "
    "**does not hold** when one is significant against it (for 'the same': a change beyond the "
    "margin), and is **undecided** otherwise; then the seeds column says how many seeds would "
    f"likely ({POWER:.0%} power) decide it at the observed effect and spread, at the family's "
    f"strictest level (more than {MOST_SEEDS}: the effect is small against its spread). "
    "docs/report.md works one example of every rule."
)


def _survival(raw: Verdict, fixed: Verdict | None) -> str:
    """Returns the per-class column of the verdict table."""
    if fixed is None and raw.unit != "seeds":
        # Pooled over random minority sets: those claims read the raw rates only.
        return "not judged: raw rates only (partitions.md)"
    if fixed is None:
        return "unaffected: reads accuracies only"
    if NO_DATA in (raw.verdict, fixed.verdict):
        return fixed.verdict
    kept = "the same" if fixed.verdict == raw.verdict else "differs"
    return f"{fixed.verdict} ({kept})"


def number_lines(points: list[Point]) -> list[str]:
    """Returns the markdown of the study's numbers against one run here."""
    checks = number_checks(points)
    rows = [
        [
            c.section,
            c.what,
            number(c.study, 4),
            f"{len(c.values)} runs, mean {number(sum(c.values) / len(c.values), 4)}",
            f"[{number(c.low, 4)}, {number(c.high, 4)}]",
            c.verdict,
            c.setting,
        ]
        for c in checks
    ]
    lines = [
        "## The study's numbers against one run here",
        "",
        "The study reports one run per number. Could one run here have given it? Each number is "
        "set against the 95% prediction interval of a single new run, from here's runs: mean ± "
        "t · √(s² (1 + 1/n) + p(1 − p)/N), the seeds' spread s and, for an accuracy, the "
        "binomial noise of N test images. 'matches' when the study's number lies inside; 'higher "
        "here' / 'lower here' when here's runs lie above / below it.",
        "",
    ]
    columns = [
        "section",
        "number",
        "the study",
        "here",
        "95% prediction interval",
        "verdict",
        "here's setting",
    ]
    if not rows:
        return [*lines, "No setting here stands for one of the study's numbers."]
    return [*lines, *markdown_table(columns, rows)]


def conclusions_markdown(runs: list[Run], points: list[Point], facts: list[SweepFacts]) -> str:
    """Returns conclusions.md."""
    counts, verdicts = status_counts(runs), study_verdicts(points)
    smoke = is_smoke(facts)
    column = "verdict on reduced runs (not the study's)" if smoke else "verdict"
    table = [
        [r.claim, f"**{r.verdict}**", summary(r), r.n, seeds_text(r), _survival(r, f)]
        for r, f in verdicts
    ]
    lines = [
        "# The study's conclusions on this data",
        "",
        *header_lines(facts),
        "",
        f"{counted(counts['finished'], 'finished run')} in {counted(len(points), 'setting')} "
        f"({counts['failed']} failed and {counts['unfinished']} unfinished not used).",
        "",
        "## How a verdict is reached",
        "",
        HOW,
        "",
        "An error can land in k_b wrong classes of group b (k_b − 1 in its own group), so raw "
        "rates favour the larger group; the per-class rates (`_per_class`) divide that count out."
        " The last column judges each claim that reads rates again on them.",
        "",
        "## Verdicts",
        "",
        *markdown_table(
            ["claim", column, "how", "seeds", "seeds to decide", "on per-class rates"], table
        ),
        "",
        *number_lines(points),
    ]
    for raw, fixed in verdicts:
        for verdict, suffix in ((raw, ""), (fixed, ", on per-class rates")):
            if verdict:
                said = f"**{verdict.verdict}**" + (" (on reduced runs)" if smoke else "")
                if seeds := seeds_text(verdict):
                    said += f"; {seeds} would likely decide it"
                lines += ["", f"## {verdict.claim}{suffix}", "", f"{said}.", ""]
                if verdict.study:
                    lines += [f"The study: {verdict.study}.", ""]
                lines += [f"Rule: {verdict.rule}. Family: {verdict.family}.", ""]
                lines += comparison_table(verdict)
    return "\n".join(lines) + "\n"
