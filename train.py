"""Command line: python train.py [overrides]   or   python train.py -m [sweep overrides]."""

import shutil
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from imbalance_lab.errors import ConfigError, DataError
from imbalance_lab.train import run

# What Hydra puts in a run folder before the task starts.
HYDRA_ONLY = {".hydra", "train.log"}


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> dict:
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    group = Path(hydra_cfg.sweep.dir).name if multirun else None
    try:
        return run(cfg, output_dir, group=group)
    except (ConfigError, DataError) as error:
        # A single run's folder holds only what Hydra wrote: remove it, leave nothing behind.
        if not multirun and {p.name for p in output_dir.iterdir()} <= HYDRA_ONLY:
            shutil.rmtree(output_dir)
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
