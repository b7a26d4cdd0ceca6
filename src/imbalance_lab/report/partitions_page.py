"""partitions.md: Conclusion 1 and Fig. 4 per minority set and pooled over the random ones,
on the rates' levels and on each rate's rise over its ρ = 1 value (claims/partitions.py), and
the rates with their rise factors per set."""

from __future__ import annotations

from imbalance_lab.report.claims.partitions import (
    CLAIMS,
    STUDY_SET,
    partition_verdicts,
    rise_factors,
)
from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.engine.runs import RATE_METRICS
from imbalance_lab.report.labels import rate_label
from imbalance_lab.report.text import markdown_table, number
from imbalance_lab.report.verdict_text import comparison_table, seeds_text, summary


def _name(partition: str) -> str:
    """Returns how a partition is named in the tables."""
    if partition == STUDY_SET:
        return "the study's {0..4} (reference)"
    return partition if partition == "pooled" else f"partition_seed {partition}"


def partitions_markdown(points: list[Point]) -> str:
    """Returns partitions.md ('' when the runs hold no random minority set)."""
    results = partition_verdicts(points)
    if not any(p != STUDY_SET for rows in results.values() for p, _ in rows if p != "pooled"):
        return ""
    lines = [
        "# Which digits are the minority",
        "",
        "Conclusion 1 and Fig. 4 judged on each minority set I (imbalance.partition_seed draws "
        "5 of the 10 digits, apart from the training seed) and pooled over the random sets. "
        "A rate's level depends on which digits are in I (MNIST's own confusions across I | A); "
        "its rise over its ρ = 1 value removes that: the ρ = 1 value under a set is read from "
        "the balanced runs' confusion matrices with that set's I (at ρ = 1 the minority set does "
        "not enter training). Per set: paired t over seeds, Holm over the set's comparisons. "
        "Pooled: each set's mean over seeds, paired t over the random sets (the sets are the "
        "sample the claim generalises over), Holm over every model and ρ. The study's own set "
        "{0..4} is shown for reference and left out of the pool.",
        "",
    ]
    for name, (title, _, _) in CLAIMS.items():
        rows = [
            [_name(p), f"**{v.verdict}**", summary(v), v.n, seeds_text(v)] for p, v in results[name]
        ]
        lines += [
            f"## {title}",
            "",
            *markdown_table(["minority set", "verdict", "how", "n", "to decide"], rows),
            "",
        ]
    factors = rise_factors(points)
    columns = ["set", "I", "model", "ρ", *(f"{rate_label(m)} (× ρ=1)" for m in RATE_METRICS)]
    rows = [
        [_name(r[0]), *r[1:4], *(f"{number(level, 4)} (×{number(f, 1)})" for level, f in r[4:])]
        for r in factors
    ]
    lines += [
        "## The rates per set",
        "",
        "Mean over seeds of each rate at ρ > 1 and, in brackets, its factor over the same rate "
        "at ρ = 1 under the same set.",
        "",
        *markdown_table(columns, rows),
    ]
    for name, (title, _, _) in CLAIMS.items():
        for partition, verdict in results[name]:
            lines += ["", f"## {title}: {_name(partition)}", "", f"**{verdict.verdict}**.", ""]
            lines += [
                f"Rule: {verdict.rule}. Family: {verdict.family}.",
                "",
                *comparison_table(verdict),
            ]
    return "\n".join(lines) + "\n"
