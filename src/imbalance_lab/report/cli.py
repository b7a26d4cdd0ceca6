"""Command line: python -m imbalance_lab.report <sweep folder | runs.csv> [...] [--out DIR]
[--wandb] (also the console script imbalance-report).

Reads every run below the sweep folders and in the runs tables (a runs.csv an earlier report
wrote: new seeds in folders join a committed table's runs) and writes runs.csv, summary.csv,
summary.md, the figures, ranking.md, validation.md, conclusions.md and, when the runs hold
random minority sets, partitions.md into the report folder (default: <first source's
folder>/report).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imbalance_lab.report.claims.study import study_verdicts
from imbalance_lab.report.conclusions_page import conclusions_markdown
from imbalance_lab.report.engine.points import grid_points, varying_keys
from imbalance_lab.report.engine.runs import ReportError, status_counts
from imbalance_lab.report.engine.sources import read_sources
from imbalance_lab.report.engine.table import runs_table
from imbalance_lab.report.header import is_smoke, sweep_facts
from imbalance_lab.report.partitions_page import partitions_markdown
from imbalance_lab.report.plots import draw_figures
from imbalance_lab.report.ranking import ranking_figure, ranking_markdown
from imbalance_lab.report.tables import summary_markdown, summary_table
from imbalance_lab.report.text import write_csv
from imbalance_lab.report.validation import validation_markdown


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Returns the parsed command line."""
    parser = argparse.ArgumentParser(
        prog="imbalance-report",
        description="Aggregate imbalance-lab sweeps into tables, figures and the study's verdicts.",
    )
    parser.add_argument(
        "sweeps", nargs="+", type=Path, help="sweep folders, run folders or runs tables (runs.csv)"
    )
    parser.add_argument("--out", type=Path, help="report folder (default: <first source>/report)")
    parser.add_argument("--wandb", action="store_true", help="also log to a W&B run of its own")
    return parser.parse_args(argv)


def report(sweeps: list[Path], out: Path, use_wandb: bool = False) -> list[Path]:
    """Returns the files written into out for the runs below the sweep folders and in the runs
    tables; raises ReportError for bad input."""
    runs = read_sources(sweeps)
    counts = status_counts(runs)
    print(
        f"{len(runs)} runs: {counts['finished']} finished, {counts['failed']} failed, "
        f"{counts['unfinished']} unfinished (in {', '.join(map(str, sweeps))})"
    )
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    points = grid_points(runs)
    facts = sweep_facts(runs, points)
    if is_smoke(facts):
        print("note: reduced runs (see the warning in summary.md): verdicts are not the study's")
    # One row per training: a run that appeared twice (one fingerprint) is listed once.
    used = {id(run) for point in points for run in point.runs}
    listed = [run for run in runs if run.status != "finished" or id(run) in used]
    summary = summary_table(points)
    verdicts = [
        [raw.claim, raw.verdict, raw.n, fixed.verdict if fixed else None]
        for raw, fixed in study_verdicts(points)
    ]
    tables = {
        "runs": runs_table(listed, varying_keys([r.config for r in listed if r.config])),
        "summary": summary,
        "conclusions": (["claim", "verdict", "seeds", "per-class verdict"], verdicts),
    }
    written = [write_csv(out / "runs.csv", tables["runs"]), write_csv(out / "summary.csv", summary)]
    pages = [
        ("summary.md", summary_markdown(points, counts, facts)),
        ("conclusions.md", conclusions_markdown(runs, points, facts)),
        ("ranking.md", ranking_markdown(points)),
        ("validation.md", validation_markdown(points, facts)),
        ("partitions.md", partitions_markdown(points)),
    ]
    for name, text in pages:
        if text:
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
    first = args.sweeps[0]
    out = args.out or (first.parent if first.suffix == ".csv" else first) / "report"
    try:
        written = report(args.sweeps, out, use_wandb=args.wandb)
    except ReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"report: {out} ({', '.join(p.name for p in written)})")
    return 0
