"""Command line: python -m imbalance_lab.report <sweep folder> [...] [--out DIR] [--wandb]
(also the console script imbalance-report).

Reads every run below the sweep folders and writes runs.csv, summary.csv, summary.md, the
figures and conclusions.md into the report folder (default: <first sweep folder>/report).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from imbalance_lab import figures
from imbalance_lab.conclusions_page import conclusions_markdown, judge
from imbalance_lab.point_labels import curves, describe, rate_label
from imbalance_lab.ranking import ranking_figure, ranking_markdown
from imbalance_lab.sweep_results import (
    CORRECTED_METRICS,
    RATE_METRICS,
    SETTING_KEYS,
    SUMMARY_METRICS,
    Point,
    ReportError,
    Run,
    grid_points,
    group_by,
    read_sweeps,
    status_counts,
    usual_training,
    varying_keys,
)

Table = tuple[list[str], list[list[object]]]  # (columns, rows)
METRIC_NAMES = {"test/acc": "accuracy", "test/bal_acc": "balanced accuracy"}
RATES_AXIS = "p_a→b (share of group a's test images)"
PER_CLASS_AXIS = "p_a→b / wrong classes in b"
# method: (x setting, file name, title): the study's Figs. 4 to 8.
RATE_FIGURES = {
    "none": ("rho", "imbalance_rates", "Effect of imbalance without correction"),
    "ros": ("inv_rho", "ros_rates", "Random over-sampling (ROS): error rates by 1/ρ"),
    "weighted": ("weight", "weighted_rates", "Weighted loss: error rates by minority weight"),
}
X_AXES = {
    "rho": "imbalance ratio ρ (majority / minority class size)",
    "inv_rho": "1/ρ after over-sampling (minority / majority class size)",
    "weight": "loss weight of each minority class (majority: 1)",
}
LOG_X = {"rho", "weight"}  # grids of 1, 10, 100 and 1, 2, 5, 10, 20


def _cell(value: object) -> object:
    """Returns a CSV/W&B cell: tuples joined by spaces, NaN and None as None (an empty cell)."""
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def runs_table(runs: list[Run]) -> Table:
    """Returns runs.csv: one row per run, its settings, seed, overrides, status and metrics."""
    keys = [*SETTING_KEYS, *[k for k in varying_keys([r.config for r in runs]) if "." in k]]
    scalar = {k for r in runs for k, v in r.metrics.items() if not isinstance(v, dict)}
    metrics = [m for m in SUMMARY_METRICS if m in scalar] + sorted(scalar - set(SUMMARY_METRICS))
    columns = ["sweep", "run", "status", *keys, "seed", "overrides", "error", *metrics]
    rows = []
    for run in runs:
        where = (
            [run.source.name, str(run.path.relative_to(run.source))]
            if run.source
            else ["", str(run.path)]
        )
        settings = [run.config.get(k) for k in keys]
        about = [run.seed, " ".join(run.overrides), run.error or None]
        rows.append([*where, run.status, *settings, *about, *[run.metrics.get(m) for m in metrics]])
    return columns, [[_cell(v) for v in row] for row in rows]


def summary_table(points: list[Point]) -> Table:
    """Returns summary.csv: per grid point its varying settings, n seeds, mean and std of
    accuracy, balanced accuracy and the raw and per-class rates."""
    keys = varying_keys([p.config for p in points]) or ["model"]
    stats = [f"{m} {s}" for m in SUMMARY_METRICS for s in ("mean", "std")]
    rows = [
        [*[p.config.get(k) for k in keys], p.n]
        + [v for m in SUMMARY_METRICS for v in (p.mean(m), p.std(m))]
        for p in points
    ]
    return [*keys, "n", *stats], [[_cell(v) for v in row] for row in rows]


def summary_markdown(table: Table, counts: dict[str, int]) -> str:
    """Returns summary.md: the summary table as mean ± std, accuracies with raw rates, then the
    per-class rates."""
    columns, rows = table
    keys = columns[: columns.index("n") + 1]
    lines = [
        "# Summary per grid point",
        "",
        f"{counts['finished']} finished runs ({counts['failed']} failed, {counts['unfinished']} "
        "unfinished: see runs.csv). Each cell: mean ± sample standard deviation over the n "
        "seeds (ddof 1; no std for one seed). Rates p_a→b: share of group a's test images "
        "predicted as a wrong class of group b (I minority, A majority); per class: divided by "
        "the number of wrong classes of b it can land in.",
    ]
    for title, metrics in (
        ("Accuracy and error rates", ("test/acc", "test/bal_acc", *RATE_METRICS)),
        ("Per-class error rates", CORRECTED_METRICS),
    ):
        names = [METRIC_NAMES.get(m) or rate_label(m) for m in metrics]
        lines += ["", f"## {title}", "", "| " + " | ".join([*keys, *names]) + " |"]
        lines.append("|" + " --- |" * (len(keys) + len(names)))
        for row in rows:
            cells = dict(zip(columns, row, strict=True))
            values = [_mean_std(cells[f"{m} mean"], cells[f"{m} std"]) for m in metrics]
            lines.append("| " + " | ".join([*map(str, row[: len(keys)]), *values]) + " |")
    if not rows:
        lines += ["", "No finished runs yet."]
    return "\n".join(lines) + "\n"


def _mean_std(mean: float | None, std: float | None) -> str:
    """Returns a summary.md cell: 'mean ± std', the mean alone for one seed, '—' for none."""
    if mean is None:
        return "—"
    return f"{mean:.4f}" + ("" if std is None else f" ± {std:.4f}")


def write_csv(path: Path, table: Table) -> Path:
    """Returns path, where it wrote the table as CSV (floats at full precision)."""
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table[0])
        writer.writerows(["" if v is None else v for v in row] for row in table[1])
    return path


def _best_worst(group: list[Point], metric: str) -> tuple[float, float, float]:
    """Returns (best mean, its std, worst mean) of the metric over the group's points."""
    if not group:
        return (math.nan,) * 3
    ranked = sorted(group, key=lambda p: p.mean(metric))
    return ranked[-1].mean(metric), ranked[-1].std(metric), ranked[0].mean(metric)


def accuracy_panels(points: list[Point]) -> tuple[list[str], dict]:
    """Returns (category labels, {metric: {model: [(best mean, std, worst mean)]}}) for the
    points trained like most runs (optimizer, lr, epochs), one category per method setting."""
    chosen = usual_training(points)
    groups = group_by(chosen, ("model", "inv_rho", "weight"))
    configs = [dict(key) for key in groups]
    keys = ["method", *[k for k in varying_keys(configs) if k != "method"]]
    categories = [describe([(k, c.get(k)) for k in keys]) for c in configs]
    models = sorted({p.config.get("model") for p in chosen}, key=str)
    return categories, {
        METRIC_NAMES[metric]: {
            describe([("model", model)]): [
                _best_worst([p for p in group if p.config.get("model") == model], metric)
                for group in groups.values()
            ]
            for model in models
        }
        for metric in ("test/acc", "test/bal_acc")
    }


def draw_figures(points: list[Point], out: Path) -> list[Path]:
    """Returns the figures drawn into out: only those the points support (a rate figure needs
    two or more values of its setting in some panel)."""
    drawn = []
    for metrics, suffix in ((RATE_METRICS, ""), (CORRECTED_METRICS, "_per_class")):
        for method, (x, name, title) in RATE_FIGURES.items():
            panels = curves([p for p in points if p.config.get("method") == method], x, metrics)
            if not panels:
                continue
            lines = {t: {rate_label(m): c for m, c in ls.items()} for t, ls in panels.items()}
            drawn.append(
                figures.rate_figure(
                    lines,
                    out / f"{name}{suffix}.png",
                    title=title + (" (per-class rates)" if suffix else ""),
                    xlabel=X_AXES[x],
                    ylabel=PER_CLASS_AXIS if suffix else RATES_AXIS,
                    log_x=x in LOG_X,
                )
            )
    if points:
        categories, panels = accuracy_panels(points)
        path = out / "accuracy_by_method.png"
        title = "Test accuracy and balanced accuracy of every method"
        drawn.append(figures.accuracy_figure(categories, panels, path, title=title))
    return drawn


def log_to_wandb(out: Path, group: str, tables: dict[str, Table], drawn: list[Path]) -> None:
    """Logs the tables and figures to a W&B run of its own (job_type report); offline, with
    one line saying so, when there are no credentials or no network."""
    import wandb  # slow to import: only when asked for

    from imbalance_lab.loggers import resolve_wandb_mode

    mode, notice = resolve_wandb_mode("auto")
    if notice:
        print(
            f"W&B: {notice}; logging offline to {out / 'wandb'} "
            f"(upload later with `wandb sync {out / 'wandb'}/offline-run-*`)",
            file=sys.stderr,
        )
    wandb.init(
        project="imbalance-lab",
        job_type="report",
        group=group,
        name=f"report-{group}",
        dir=str(out),
        mode=mode,
    )
    try:
        logged = {
            name: wandb.Table(columns=columns, data=rows, allow_mixed_types=True)
            for name, (columns, rows) in tables.items()
        }
        logged.update({f"figures/{path.stem}": wandb.Image(str(path)) for path in drawn})
        wandb.log(logged)
    finally:
        wandb.finish()  # in a finally: an error must not leave the run open


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
    points = grid_points(runs)
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
        ("summary.md", summary_markdown(summary, counts)),
        ("conclusions.md", conclusions_markdown(runs, points, [str(s) for s in sweeps])),
    ):
        (out / name).write_text(text)
        written.append(out / name)
    (out / "ranking.md").write_text(ranking_markdown(points))
    written.append(out / "ranking.md")
    drawn = draw_figures(points, out)
    if ranking_figure(points, out / "methods_ranking.png"):
        drawn.append(out / "methods_ranking.png")
    if use_wandb:
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


if __name__ == "__main__":
    sys.exit(main())
