"""Command line: python -m imbalance_lab.report <sweep folder> [...] [--out DIR] [--wandb]
(also the console script imbalance-report).

Reads every run below the sweep folders and writes runs.csv, summary.csv, summary.md, the
figures, ranking.md, validation.md and conclusions.md into the report folder (default: <first sweep
folder>/report).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imbalance_lab.report.conclusions_page import conclusions_markdown, judge
from imbalance_lab.report.header import is_smoke, sweep_facts
from imbalance_lab.report.plots import draw_figures
from imbalance_lab.report.points import grid_points
from imbalance_lab.report.ranking import ranking_figure, ranking_markdown
from imbalance_lab.report.runs import ReportError, read_sweeps, status_counts
from imbalance_lab.report.tables import runs_table, summary_markdown, summary_table
from imbalance_lab.report.text import write_csv
from imbalance_lab.report.validation import validation_markdown


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Returns the parsed command line."""
    parser = argparse.ArgumentParser(
        prog="imbalance-report",
        description="Aggregate imbalance-lab sweeps into tables, figures and the study's verdicts.",
    )
    parser.add_argument("sweeps", nargs="+", type=Path, help="sweep folders (or run folders)")
    parser.add_argument("--out", type=Path, help="report folder (default: <first sweep>/report)")
    parser.add_argument("--wandb", action="store_true", help="also log to a W&B run of its own")
    return parser.parse_args(argv)


def report(sweeps: list[Path], out: Path, use_wandb: bool = False) -> list[Path]:
    """Returns the files written into out for the runs below the sweep folders; raises
    ReportError for bad input."""
    runs = read_sweeps(sweeps)
    counts = status_counts(runs)
    print(
        f"{len(runs)} runs: {counts['finished']} finished, {counts['failed']} failed, "
        f"{counts['unfinished']} unfinished (below {', '.join(map(str, sweeps))})"
    )
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    points, facts = grid_points(runs), sweep_facts(runs)
    if is_smoke(facts):
        print(
            "note: smoke-sized runs (see the warning in summary.md): verdicts are not the study's"
        )
    summary = summary_table(points)
    verdicts = [
        [raw.claim, raw.verdict, fixed.verdict if fixed else None] for raw, fixed in judge(points)
    ]
    tables = {
        "runs": runs_table(runs),
        "summary": summary,
        "conclusions": (["claim", "verdict", "per-class verdict"], verdicts),
    }
    written = [write_csv(out / "runs.csv", tables["runs"]), write_csv(out / "summary.csv", summary)]
    for name, text in (
        ("summary.md", summary_markdown(points, counts, facts)),
        ("conclusions.md", conclusions_markdown(runs, points, facts)),
        ("ranking.md", ranking_markdown(points)),
        ("validation.md", validation_markdown(points)),
    ):
        (out / name).write_text(text)
        written.append(out / name)
    drawn = draw_figures(points, out)
    if ranking_figure(points, out / "methods_ranking.png"):
        drawn.append(out / "methods_ranking.png")
    if use_wandb:
        from imbalance_lab.report.wandb_log import log_to_wandb  # imports wandb: only if asked

        log_to_wandb(out, sweeps[0].resolve().name, tables, drawn)
    return written + drawn


def main(argv: list[str] | None = None) -> int:
    """Returns the exit status: 0, or 2 after one line on stderr for bad input."""
    args = parse_args(argv)
    out = args.out or args.sweeps[0] / "report"
    try:
        written = report(args.sweeps, out, use_wandb=args.wandb)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"report: {out} ({', '.join(p.name for p in written)})")
    return 0
