"""Hydra's basic sweeper, plus a check of every job's config before the first job starts.

Hydra only loads plugins from the `hydra_plugins` namespace package, hence this location.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser

from imbalance_lab.config import check_config
from imbalance_lab.errors import ConfigError


class CheckedSweeper(BasicSweeper):
    """Composes and checks all jobs of the sweep, then runs them as BasicSweeper does."""

    def sweep(self, arguments: list[str]):
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        overrides = parser.parse_overrides(self._parse_config() + list(arguments))
        jobs = [job for batch in self.split_arguments(overrides, None) for job in batch]
        try:
            self.check_jobs(jobs)
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)
        return super().sweep(arguments)

    def check_jobs(self, jobs: Sequence[Sequence[str]]) -> None:
        """Raises ConfigError, naming the job, for the first job whose config is not allowed."""
        loader = self.hydra_context.config_loader
        for number, job in enumerate(jobs):
            config = loader.load_sweep_config(master_config=self.config, sweep_overrides=list(job))
            try:
                check_config(config)
            except ConfigError as error:
                raise error.with_job(number, " ".join(job)) from None
