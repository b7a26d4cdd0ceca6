"""The report's tables and figures logged to a W&B run of its own (imbalance-report --wandb)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from imbalance_lab.report.text import Table
from imbalance_lab.wandb_mode import resolve_wandb_mode


def log_to_wandb(out: Path, group: str, tables: dict[str, Table], drawn: list[Path]) -> None:
    """Logs the tables and figures to a W&B run of its own (job_type report); offline, with
    one line saying so, when there are no credentials or no network."""
    # W&B's banner and tips (a dozen lines); its errors still print. Set before the import.
    os.environ.setdefault("WANDB_SILENT", "true")
    import wandb  # slow to import: only when asked for

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
