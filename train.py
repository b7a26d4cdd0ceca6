"""Command line: python train.py [overrides]   or   python train.py -m [sweep overrides]."""

import logging
import os
import shutil
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from lightning_fabric.utilities.rank_zero import rank_zero_only
from omegaconf import DictConfig

from imbalance_lab import dirnames
from imbalance_lab.errors import ConfigError, DataError
from imbalance_lab.train import finished_metrics, run

dirnames.register()  # conf/train.yaml names sweep jobs with ${short_dirname:...}

ERROR_FILE = "error.txt"


def holds_only_startup_files(folder: Path) -> bool:
    """Returns whether folder holds only what Hydra (and Lightning's DDP ranks) write before
    training: .hydra/, train.log, .pl_hydra_rank_N/, train_ddp_process_N.log."""
    return all(
        p.name in (".hydra", "train.log")
        or p.name.startswith(".pl_hydra_rank_")
        or (p.name.startswith("train_ddp_process_") and p.suffix == ".log")
        for p in folder.iterdir()
    )


log = logging.getLogger(__name__)


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


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> dict:
    """Returns {'status': 'finished' | 'skipped', 'metrics': ...}, read by the sweeper."""
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    group = Path(hydra_cfg.sweep.dir).name if multirun else None
    skipped = bool(cfg.get("resume")) and finished_metrics(output_dir) is not None
    try:
        metrics = run(cfg, output_dir, group, threads_per_job(hydra_cfg.launcher, cfg.threads))
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
            # The folder holds only what Hydra wrote: remove it, leave nothing half written.
            if holds_only_startup_files(output_dir):
                shutil.rmtree(output_dir, ignore_errors=True)
            print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    (output_dir / ERROR_FILE).unlink(missing_ok=True)  # left by an earlier, failed attempt
    return {"status": "skipped" if skipped else "finished", "metrics": metrics}


if __name__ == "__main__":
    main()
