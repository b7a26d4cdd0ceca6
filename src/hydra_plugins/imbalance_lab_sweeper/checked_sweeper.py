"""Hydra's basic sweeper with three additions for studies:

- every job's config is composed and checked before the first job starts, and so is every
  job's folder: one that holds the results of another config stops the sweep, all such
  folders listed, before any job runs (run/folder_claim.py);
- `hydra.sweeper.dry_run=true` lists the jobs, their folders and what each folder holds, and
  runs none;
- `hydra.sweeper.grids`, a dict of named grids whose Cartesian products are run one after the
  other, so one sweep can hold several experiments with different axes (the `study`).

Precedence for a key: a grid < hydra.sweeper.params < the command line.
Hydra only loads plugins from the `hydra_plugins` namespace package, hence this location; it
imports them outside sys.modules, so no `from __future__ import annotations` here.
"""

import copy
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional  # noqa: UP035 (OmegaConf reads these)

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.utils import JobStatus
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf, open_dict

from imbalance_lab.cli.preflight import composition_refusal
from imbalance_lab.cli.summary import job_listing, job_names, sweep_table
from imbalance_lab.config import schema
from imbalance_lab.config.check import check_config
from imbalance_lab.errors import ConfigError
from imbalance_lab.folder_claim import FolderState, folder_state
from imbalance_lab.run_folder import finished_metrics

log = logging.getLogger(__name__)
# Hydra imports its plugins before it composes: conf/train.yaml's schema and resolvers are ready
# in every process that composes it (train.py, a test's compose(), a joblib worker).
schema.register()


def _merge_overrides(parser: OverridesParser, layers: Sequence[Sequence[str]]) -> "list[str]":
    """Returns override strings with one entry per key, the last layer winning."""
    merged: dict[str, str] = {}
    for layer in layers:
        for text in layer:
            merged[parser.parse_override(text).get_key_element()] = text
    return list(merged.values())


@dataclass
class CheckedSweeperConf:
    """The `hydra/sweeper=checked` config node."""

    _target_: str = "hydra_plugins.imbalance_lab_sweeper.checked_sweeper.CheckedSweeper"
    max_batch_size: Optional[int] = None  # noqa: UP045
    params: Optional[Dict[str, str]] = None  # noqa: UP006, UP045
    grids: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # noqa: UP006
    dry_run: bool = False  # list the jobs and their folders, run none


ConfigStore.instance().store(group="hydra/sweeper", name="checked", node=CheckedSweeperConf)


class CheckedSweeper(BasicSweeper):
    """Composes and checks all jobs of the sweep, then launches them in batches."""

    def __init__(self, max_batch_size=None, params=None, grids=None, dry_run=False):
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.grids = {name: dict(grid) for name, grid in (grids or {}).items()}
        self.dry_run = dry_run

    def list_jobs(self, arguments: Sequence[str]) -> "list[list[str]]":
        """Returns every job's overrides, grid after grid, each distinct job once."""
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        grids = self.grids or {"": {}}
        jobs, seen = [], set()
        for grid in grids.values():
            grid_overrides = [f"{key}={value}" for key, value in grid.items()]
            texts = _merge_overrides(parser, [grid_overrides, self._parse_config(), arguments])
            for batch in self.split_arguments(parser.parse_overrides(texts), None):
                for job in batch:
                    # Grids may share points (a union of experiments that share a setting): run
                    # each once.
                    if frozenset(job) not in seen:
                        seen.add(frozenset(job))
                        jobs.append(list(job))
        return jobs

    def check_jobs(self, jobs: Sequence[Sequence[str]]) -> "list[tuple[Path, FolderState]]":
        """Returns each job's folder and what it holds for the job; raises ConfigError, naming
        the job, for the first job whose config is not allowed (composed, checked, then its
        model and Trainer built)."""
        loader = self.hydra_context.config_loader
        configs = []
        for number, job in enumerate(jobs):
            try:
                config = loader.load_sweep_config(self.config, sweep_overrides=list(job))
                check_config(config)
            except ConfigCompositionException as error:
                raise composition_refusal(error).with_job(number, " ".join(job)) from None
            except ConfigError as error:
                raise error.with_job(number, " ".join(job)) from None
            configs.append(config)
        # The training stack (torch, Lightning: seconds) only once every config passed.
        from imbalance_lab.run.stack_check import check_training_stack

        folders = []
        for number, (job, config) in enumerate(zip(jobs, configs, strict=True)):
            task = _task_config(config)
            try:
                check_training_stack(task)
            except ConfigError as error:
                raise error.with_job(number, " ".join(job)) from None
            with open_dict(config):
                config.hydra.job.num = number  # as the launcher numbers it: the folder's prefix
            folder = Path(config.hydra.sweep.dir) / str(config.hydra.sweep.subdir)
            folders.append((folder, folder_state(folder, task)))
        return folders

    def sweep(self, arguments: "list[str]"):
        jobs = self.list_jobs(arguments)
        try:
            folders = self.check_jobs(jobs)
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)
        if self.dry_run:
            print(job_listing(job_names(jobs), folders))
            sys.exit(0)
        clashes = [state.clash for _, state in folders if state.kind == "clash"]
        if clashes:
            for line in clashes:
                print(f"error: {line}", file=sys.stderr)
            many = (
                "1 job folder of this sweep holds"
                if len(clashes) == 1
                else (f"{len(clashes)} job folders of this sweep hold")
            )
            print(
                f"error: {many} another config's results (above); no job was started",
                file=sys.stderr,
            )
            sys.exit(2)
        log.info(f"Checked the configs and folders of all {len(jobs)} jobs")

        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")

        batch_size = self.max_batch_size or len(jobs)
        returns, failed = [], []
        for start in range(0, len(jobs), batch_size):
            batch = jobs[start : start + batch_size]
            results = self.launcher.launch(batch, initial_job_idx=start)
            failed += [r for r in results if r.status == JobStatus.FAILED]
            returns.append(results)
        self.report(returns, failed)
        return returns

    def report(self, returns, failed) -> None:
        """Prints a table of every job's test scores and the sweep folder; logs how many jobs
        finished, were skipped and failed; exits 1 if any failed."""
        results = [r for batch in returns for r in batch]
        statuses = [_status(r) for r in results]
        names = job_names([list(r.overrides) for r in results])
        jobs = [
            (name, status, finished_metrics(Path(r.hydra_cfg.hydra.runtime.output_dir)))
            for name, status, r in zip(names, statuses, results, strict=True)
        ]
        print(sweep_table(jobs, Path(self.config.hydra.sweep.dir)))
        refused = statuses.count("refused")
        log.info(
            f"{statuses.count('finished')} jobs finished, {statuses.count('skipped')} skipped "
            f"(metrics.json already there; resume=false reruns them), "
            + (f"{refused} refused (their folder in use), " if refused else "")
            + f"{len(failed)} failed"
        )
        if failed:
            for result in failed:
                error = result._return_value  # the exception; .return_value would raise it
                folder = result.hydra_cfg.hydra.runtime.output_dir
                print(f"failed: {folder}: {type(error).__name__}: {error}", file=sys.stderr)
            sys.exit(1)


def _task_config(config) -> "dict":
    """Returns a job's config without its hydra node, resolved, as the job's run() sees it."""
    task = copy.deepcopy(config)
    with open_dict(task):
        del task["hydra"]
    return OmegaConf.to_container(task, resolve=True)


def _status(result) -> str:
    """Returns 'finished', 'skipped' or 'failed' for one JobReturn: train.py's task returns a
    dict with its status, or (optimized_metric) a float that carries it."""
    if result.status == JobStatus.FAILED:
        return "failed"
    value = result.return_value
    if isinstance(value, dict):
        return value.get("status", "finished")
    return getattr(value, "status", "finished")
