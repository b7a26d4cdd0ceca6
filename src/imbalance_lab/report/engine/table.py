"""runs.csv: one row per run, written so that a report can read it back as its runs. Beside the
columns a person reads (the sweep, the settings that vary, the seed, the status, every scalar
metric), each row carries what the engine needs and a folder would give: the run's config as
JSON (its results config, config/identity.py), its fingerprint, the test confusion matrix and
the validation curve. A committed runs.csv is thus a source of its own: new seeds in run
folders join its runs, and its numbers reproduce without the folders.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from imbalance_lab.config.identity import results_config
from imbalance_lab.metrics.names import TEST_CONFUSION, VAL_ACC, VAL_BAL_ACC
from imbalance_lab.report.engine.runs import (
    FULL_NAMES,
    SETTING_KEYS,
    SUMMARY_METRICS,
    ReportError,
    Run,
    aliased,
)

CONFIG_COLUMN, FINGERPRINT_COLUMN = "config", "fingerprint"
# Per-epoch values kept from a run's history: what validation.md and the claims read.
CURVES = (VAL_ACC, VAL_BAL_ACC)
CURVE_PREFIX = "history/"
# Metrics that are flat lists of integers (written space-separated).
LIST_METRICS = ("minority", "data/class_counts", "train/class_counts")
ABOUT = ("sweep", "run", "status")
INTEGER = re.compile(r"-?\d+")


def _cell(value: object) -> object:
    """Returns a CSV cell: lists joined by spaces, no value (None, NaN) as ''."""
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def runs_table(runs: list[Run], varying: list[str]) -> tuple[list[str], list[list[object]]]:
    """Returns (columns, rows) of runs.csv; varying: the dotted setting keys beyond the study's
    short names that differ between runs (shown as columns of their own)."""
    keys = [*SETTING_KEYS, *[k for k in varying if k not in SETTING_KEYS]]
    scalar = {k for r in runs for k, v in r.metrics.items() if _is_scalar(k, v)}
    metrics = [m for m in SUMMARY_METRICS if m in scalar] + sorted(scalar - set(SUMMARY_METRICS))
    curves = [f"{CURVE_PREFIX}{c}" for c in CURVES]
    columns = [*ABOUT, *keys, "seed", "overrides", "error", *metrics, TEST_CONFUSION, *curves]
    columns += [FINGERPRINT_COLUMN, CONFIG_COLUMN]
    rows = []
    for run in runs:
        name = (
            str(run.path.relative_to(run.source))
            if run.source and run.source.is_dir()
            else str(run.path)
        )
        row = [run.sweep, name, run.status, *[run.config.get(k) for k in keys], run.seed]
        row += [" ".join(run.overrides), run.error or None, *[run.metrics.get(m) for m in metrics]]
        confusion = run.metrics.get(TEST_CONFUSION)
        row += [json.dumps(confusion, separators=(",", ":")) if confusion else None]
        row += [[round(v, 6) for v in run.curve(c)] or None for c in CURVES]
        full = {FULL_NAMES.get(k, k): v for k, v in run.config.items()}
        row += [run.fingerprint, json.dumps(results_config(full), sort_keys=True)]
        rows.append([_cell(v) for v in row])
    return columns, rows


def _is_scalar(key: str, value: object) -> bool:
    """Returns whether a metric is written as a plain column (numbers, text, flat lists)."""
    if key == TEST_CONFUSION or isinstance(value, dict):
        return False
    return not isinstance(value, (list, tuple)) or key in LIST_METRICS


def parse_cell(text: str) -> object:
    """Returns a metric cell's value: int, float, bool or text."""
    if text in ("True", "False"):
        return text == "True"
    if INTEGER.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def read_runs_table(path: Path) -> list[Run]:
    """Returns the runs of a runs.csv; raises ReportError for a table without the config column
    (written before runs tables carried each run's config)."""
    try:
        with path.open(newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (OSError, csv.Error, UnicodeDecodeError) as error:
        raise ReportError(f"{path} cannot be read as a runs table: {error}") from None
    if not rows:
        raise ReportError(f"{path} is a runs table without a run (a header row only)")
    if CONFIG_COLUMN not in rows[0]:
        raise ReportError(
            f"{path} is not a runs table with a '{CONFIG_COLUMN}' column (imbalance-report "
            "writes one as runs.csv; tables from before 2026-12 lack it)"
        )
    return [_run_of(row, path) for row in rows]


def _run_of(row: dict[str, str], path: Path) -> Run:
    """Returns the Run of one runs.csv row."""
    try:
        config = json.loads(row[CONFIG_COLUMN])
    except ValueError:
        raise ReportError(f"{path}: run {row.get('run')!r} has no readable config") from None
    metrics: dict[str, object] = {}
    named = {*ABOUT, "seed", "overrides", "error", CONFIG_COLUMN, FINGERPRINT_COLUMN}
    named |= set(SETTING_KEYS) | {k for k in row if "." in k and "/" not in k}
    for key, text in row.items():
        if key in named or key.startswith(CURVE_PREFIX) or not text:
            continue
        if key == TEST_CONFUSION:
            metrics[key] = json.loads(text)
        elif key in LIST_METRICS:
            metrics[key] = [int(v) for v in text.split()]
        else:
            metrics[key] = parse_cell(text)
    curves = {c: [float(v) for v in row.get(f"{CURVE_PREFIX}{c}", "").split()] for c in CURVES}
    epochs = max((len(v) for v in curves.values()), default=0)
    history = [
        {"epoch": e + 1, **{c: v[e] for c, v in curves.items() if e < len(v)}}
        for e in range(epochs)
    ]
    return Run(
        config=aliased(config),
        metrics=metrics,
        history=history,
        status=row.get("status") or "finished",
        path=Path(row.get("run", "")),
        overrides=tuple((row.get("overrides") or "").split()),
        error=row.get("error", ""),
        sweep=row.get("sweep", ""),
    )
