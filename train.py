"""Command line: python train.py [overrides]   or   python train.py -m [sweep overrides]
(python train.py --help lists every config group and key)."""

import logging
import os
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from lightning_fabric.utilities.rank_zero import rank_zero_only
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.config.identity import fingerprint
from imbalance_lab.errors import ConfigError, DataError, FolderError
from imbalance_lab.run import dirnames
from imbalance_lab.run.help_text import help_text
from imbalance_lab.run.interrupts import (
    RunInterrupted,
    exit_interrupted,
    resume_command,
    signals_interrupt,
)
from imbalance_lab.run.new_folders import remove_run_folder
from imbalance_lab.run.outcome import JobOutcome
from imbalance_lab.run.override_check import check_overrides, wants_help
from imbalance_lab.run.quiet import quiet_libraries
from imbalance_lab.run.runner import run
from imbalance_lab.run.summary import run_summary
from imbalance_lab.run_folder import (
    ERROR_FILE,
    FINGERPRINT_FILE,
    HOLDER_FILE,
    LOCK_FILE,
    TRAIN_LOG,
    finished_metrics,
)

CONF_DIR = Path(__file__).resolve().parent / "conf"
dirnames.register()  # conf/train.yaml names sweep jobs with ${short_dirname:...}

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


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> dict | JobOutcome:
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
        if multirun:
            where = f"the sweep {hydra_cfg.sweep.dir} (job {output_dir.name})"
            command = resume_command(sys.argv[1:], "hydra.sweep.dir", hydra_cfg.sweep.dir)
        else:
            where = str(output_dir)
            command = resume_command(sys.argv[1:], "hydra.run.dir", str(output_dir))
        exit_interrupted(error, where, command)
    except FolderError as error:
        # The folder is another run's (its results, or its process): leave it as it is.
        if not multirun:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)
        log.warning(f"job refused: {error}")
        return {"status": "refused", "metrics": None}
    except Exception as error:
        if multirun:
            # The sweep goes on without this job; the sweeper lists it at the end.
            (output_dir / ERROR_FILE).write_text(traceback.format_exc())
            log.error(f"job failed: {type(error).__name__}: {error} (see {ERROR_FILE})")
            raise
        if not isinstance(error, (ConfigError, DataError)):
            raise
        # Under DDP every rank gets here: one of them speaks and tidies up.
        if rank_zero_only.rank == 0:
            # The folder holds only what Hydra wrote: remove it (and outputs/runs/ when Hydra
            # made that too), leave nothing half written.
            if holds_only_startup_files(output_dir):
                remove_run_folder(output_dir)
            print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
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


def preflight(argv: list[str]) -> None:
    """Answers --help, and refuses a key the config does not define, before Hydra composes
    anything or makes a folder (one line, exit code 2)."""
    if wants_help(argv):
        print(help_text(CONF_DIR))
        sys.exit(0)
    if {"-m", "--multirun"} & set(argv) and {"-c", "--cfg"} & {a.split("=")[0] for a in argv}:
        print(
            "error: --cfg shows one job's config and Hydra takes it without -m; list a sweep's "
            "jobs and their folders with hydra.sweeper.dry_run=true",
            file=sys.stderr,
        )
        sys.exit(2)
    try:
        check_overrides(argv, CONF_DIR)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    preflight(sys.argv[1:])
    main()
