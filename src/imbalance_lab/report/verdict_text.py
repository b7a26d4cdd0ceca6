"""A verdict as text: the one-line summary of the verdict tables and the table of its
comparisons (test, n, effect with its 95% interval, p and Holm's p, outcome), shared by
conclusions.md, partitions.md and ranking.md."""

from __future__ import annotations

from imbalance_lab.report.engine.inference import MOST_SEEDS
from imbalance_lab.report.engine.verdicts import (
    CONTRADICTS,
    FAILS,
    HOLDS,
    NO_DATA,
    OPEN,
    SUPPORTS,
    Comparison,
    Verdict,
)
from imbalance_lab.report.text import markdown_table, number

COMPARISON_COLUMNS = ["comparison", "test", "n", "estimate [95% CI]", "p", "p (Holm)", "outcome"]


def p_text(p: float | None) -> str:
    """Returns a p-value with two significant digits ('< 0.0001' below it, '—' for none)."""
    if p is None:
        return "—"
    return "< 0.0001" if p < 1e-4 else f"{p:.2g}"


def effect_text(comparison: Comparison, digits: int = 4) -> str:
    """Returns 'estimate [low, high]' of a comparison's test (its reason when it has none)."""
    result = comparison.result
    if result is None:
        return comparison.why
    if result.test == "exact":  # counts: no decimals
        return (
            f"{result.estimate:,.0f}"
            if float(result.estimate).is_integer()
            else number(result.estimate, digits)
        )
    if result.low == result.high:
        return number(result.estimate, digits)
    low, high = (number(v, digits) for v in (result.low, result.high))
    return f"{number(result.estimate, digits)} [{low}, {high}]"


def test_text(comparison: Comparison) -> str:
    """Returns the test's name, with what a one-sample test compares against."""
    result = comparison.result
    if result is None:
        return "none"
    if result.test == "one-sample t":
        return f"one-sample t against {comparison.reference:g}"
    return result.test


def n_text(comparison: Comparison) -> str:
    """Returns the sample size ('3', or '3 + 2' for Welch)."""
    result = comparison.result
    if result is None:
        return "—"
    return f"{result.n} + {result.n_other}" if result.n_other else str(result.n)


def outcome_text(comparison: Comparison, unit: str = "seeds") -> str:
    """Returns the outcome, with the units (seeds; minority sets when pooled over them) that
    would likely decide an undecided one."""
    if comparison.outcome != OPEN:
        return comparison.outcome
    likely = f"~{comparison.seeds}" if comparison.seeds else f"more than {MOST_SEEDS}"
    return f"{OPEN} ({likely} {unit})"


def comparison_rows(verdict: Verdict) -> list[list[object]]:
    """Returns the rows of the verdict's comparison table."""
    rows = []
    for c in verdict.comparisons:
        p = c.result.p if c.result else None
        holm = c.p_adjusted
        if c.expect == "same" and c.result:
            p = f"{p_text(c.result.p)} (inside), {p_text(c.result.p_beyond)} (beyond)"
            holm = p_text(holm)
        else:
            p, holm = p_text(p), p_text(holm)
        rows.append(
            [
                c.label,
                test_text(c),
                n_text(c),
                effect_text(c),
                p,
                holm,
                outcome_text(c, verdict.unit),
            ]
        )
    return rows


def comparison_table(verdict: Verdict) -> list[str]:
    """Returns the markdown lines of the verdict's comparison table."""
    if not verdict.comparisons:
        return ["No comparison could be made: the runs hold no setting this claim speaks of."]
    return markdown_table(COMPARISON_COLUMNS, comparison_rows(verdict))


def seeds_text(verdict: Verdict) -> str:
    """Returns what would likely decide an undecided verdict ('' for decided ones)."""
    if verdict.verdict != "undecided":
        return ""
    if verdict.seeds is not None:
        return f"~{verdict.seeds} {verdict.unit}"
    return f"more than {MOST_SEEDS} {verdict.unit}"


def decisive(verdict: Verdict) -> Comparison | None:
    """Returns the comparison that decided the verdict: the strongest contradiction of a claim
    that does not hold, the weakest support of one that holds, the undecided comparison
    nearest to a decision otherwise."""
    if verdict.verdict == FAILS:
        return min(verdict.by_outcome(CONTRADICTS), key=_smallest_p)
    if verdict.verdict == HOLDS:
        return max(verdict.by_outcome(SUPPORTS), key=_smallest_p)
    opened = verdict.by_outcome(OPEN)
    return min(opened, key=_smallest_p) if opened else None


def _smallest_p(comparison: Comparison) -> float:
    """Returns the smallest corrected p of a comparison (1 without)."""
    return 1.0 if comparison.p_adjusted is None else comparison.p_adjusted


def summary(verdict: Verdict) -> str:
    """Returns the one-line 'how it was reached' of a verdict: its counts and the decisive
    comparison with its effect, interval and corrected p."""
    if verdict.verdict == NO_DATA:
        return "no comparison could be made"
    counts = {o: len(verdict.by_outcome(o)) for o in (SUPPORTS, CONTRADICTS, OPEN)}
    shown = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    found = decisive(verdict)
    if found is None:
        return shown
    return (
        f"{shown} of {len(verdict.comparisons)}; e.g. {found.label}: {effect_text(found)}, "
        f"{test_text(found)}, n={n_text(found)}, p (Holm) {p_text(_smallest_p(found))}"
    )
