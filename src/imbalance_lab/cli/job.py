"""One job of train.py under Hydra: run() in the folder Hydra made, its summary, and what every
way of ending means to the shell and to the sweeper (exit 2 for a refused config, 130 / 143 for
an interrupt, the status the sweeper's table shows)."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from lightning_fabric.utilities.rank_zero import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.cli.interrupts import (
    RunInterrupted,
    exit_interrupted,
    resume_command,
    signals_interrupt,
)
from imbalance_lab.cli.outcome import JobOutcome
from imbalance_lab.cli.quiet import quiet_libraries
from imbalance_lab.cli.refused import remove_run_folder
from imbalance_lab.cli.summary import run_summary
from imbalance_lab.config.identity import fingerprint
from imbalance_lab.errors import ConfigError, DataError, FolderError
from imbalance_lab.run import run
from imbalance_lab.run_folder import (
    ERROR_FILE,
    FINGERPRINT_FILE,
    HOLDER_FILE,
    LOCK_FILE,
    TRAIN_LOG,
    finished_metrics,
)

log = logging.getLogger(__name__)


def holds_only_startup_files(folder: Path) -> bool:
    """Returns whether folder holds only what is written before training: by Hydra (train.log),
    by run() once it holds the folder (.hydra/, fingerprint.json, the lock and its holder) and
    by Lightning's DDP ranks (.pl_hydra_rank_N/, train_ddp_process_N.log)."""
    return all(
        p.name in (".hydra", TRAIN_LOG, FINGERPRINT_FILE, LOCK_FILE, HOLDER_FILE)
        or p.name.startswith(".pl_hydra_rank_")
        or (p.name.startswith("train_ddp_process_") and p.suffix == ".log")
        for p in folder.iterdir()
    )


def threads_per_job(launcher: DictConfig, threads: int | None) -> int | None:
    """Returns torch's CPU threads for one job: `threads` if set, else the cores divided
    among the jobs that the launcher runs at once (None: torch's default, one job at a time)."""
    if threads:
        return threads
    cores = os.cpu_count() or 1
    if launcher.get("n_jobs") is not None:  # joblib; -1 means one job per core
        parallel = cores if launcher.n_jobs < 0 else launcher.n_jobs
        return max(1, cores // parallel)
    if launcher.get("cpus_per_task"):  # submitit
        return launcher.cpus_per_task
    return None


def is_finished(output_dir: Path, cfg: DictConfig) -> bool:
    """Returns whether output_dir holds this config's finished run (metrics.json of its
    fingerprint): what a rerun skips."""
    metrics = finished_metrics(output_dir)
    own = fingerprint(OmegaConf.to_container(cfg, resolve=True))
    return metrics is not None and metrics.get("config/fingerprint") == own


def write_to_log_file(text: str) -> None:
    """Appends text to the run's train.log (Hydra's file handler) and nowhere else."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.stream.write(text + "\n")
            handler.flush()


def _resume_line(hydra_cfg: DictConfig, output_dir: Path, multirun: bool) -> tuple[str, str]:
    """Returns (what was interrupted, the command that resumes it)."""
    if multirun:
        where = f"the sweep {hydra_cfg.sweep.dir} (job {output_dir.name})"
        return where, resume_command(sys.argv[1:], "hydra.sweep.dir", hydra_cfg.sweep.dir)
    return str(output_dir), resume_command(sys.argv[1:], "hydra.run.dir", str(output_dir))


def _failed(error: Exception, output_dir: Path, multirun: bool) -> None:
    """Ends a failed job: in a sweep its traceback goes to error.txt and the sweep goes on (the
    sweeper lists it); a single run refused for its config or data is one line, exit 2, and
    leaves no folder; anything else is raised as it is."""
    if multirun:
        (output_dir / ERROR_FILE).write_text(traceback.format_exc())
        log.error(f"job failed: {type(error).__name__}: {error} (see {ERROR_FILE})")
        raise error
    if not isinstance(error, (ConfigError, DataError)):
        raise error
    # Under DDP every rank gets here: one of them speaks and tidies up.
    if rank_zero_only.rank == 0:
        # The folder holds only what Hydra wrote: remove it (and outputs/runs/ when Hydra
        # made that too), leave nothing half written.
        if holds_only_startup_files(output_dir):
            remove_run_folder(output_dir)
        print(f"error: {error}", file=sys.stderr)
    sys.exit(2)


def run_job(cfg: DictConfig) -> dict | JobOutcome:
    """Returns what the sweeper reads: with optimized_metric, that metric as a float carrying
    the job's status; else {'status': 'finished' | 'skipped', 'metrics': ...}."""
    quiet_libraries()
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    group = Path(hydra_cfg.sweep.dir).name if multirun else None
    skipped = bool(cfg.get("resume")) and is_finished(output_dir, cfg)
    try:
        with signals_interrupt():
            metrics = run(cfg, output_dir, group, threads_per_job(hydra_cfg.launcher, cfg.threads))
    except RunInterrupted as error:
        exit_interrupted(error, *_resume_line(hydra_cfg, output_dir, multirun))
    except FolderError as error:
        # The folder is another run's (its results, or its process): leave it as it is.
        if not multirun:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)
        log.warning(f"job refused: {error}")
        return {"status": "refused", "metrics": None}
    except Exception as error:
        _failed(error, output_dir, multirun)
    (output_dir / ERROR_FILE).unlink(missing_ok=True)  # left by an earlier, failed attempt
    status = "skipped" if skipped else "finished"
    if rank_zero_only.rank == 0:
        summary = run_summary(metrics, output_dir, skipped)
        write_to_log_file(summary)
        if not multirun:  # a sweep prints one table of all its jobs at the end
            print(summary)
    if cfg.optimized_metric:
        return JobOutcome(metrics[cfg.optimized_metric], status)
    return {"status": status, "metrics": metrics}
