"""The runs a report reads, from two kinds of source: run folders (any folder holding
.hydra/config.yaml, below the folders given) and runs tables (a runs.csv an earlier report
wrote, carrying each run's config: engine/table.py), so that new seeds in run folders join the
committed runs of a table."""

from __future__ import annotations

from pathlib import Path

from imbalance_lab.report.engine.runs import ReportError, Run, find_run_dirs, read_run
from imbalance_lab.report.engine.table import read_runs_table
from imbalance_lab.run_folder import CONFIG_FILE


def read_sources(sources: list[Path]) -> list[Run]:
    """Returns the runs below every folder and in every runs table (a .csv file); raises
    ReportError for a source that does not exist or holds no run."""
    runs = []
    for source in sources:
        if source.is_file() and source.suffix == ".csv":
            found = read_runs_table(source)
        elif source.is_dir():
            found = [read_run(path) for path in find_run_dirs(source)]
            if not found:
                raise ReportError(f"{source} holds no run folder (one with {CONFIG_FILE})")
            for run in found:
                run.sweep = source.name
        else:
            raise ReportError(f"{source} is neither a folder nor a runs table (.csv)")
        for run in found:
            run.source = source
        runs += found
    return runs
