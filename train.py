"""Command line: python train.py [overrides]   or   python train.py -m [sweep overrides]."""

import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from imbalance_lab.errors import ConfigError, DataError
from imbalance_lab.train import run


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> dict:
    hydra_cfg = HydraConfig.get()
    group = None
    if hydra_cfg.mode == RunMode.MULTIRUN:
        group = hydra_cfg.sweep.dir.rstrip("/").split("/")[-1]
    try:
        return run(cfg, hydra_cfg.runtime.output_dir, group=group)
    except (ConfigError, DataError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
