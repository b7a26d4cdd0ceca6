"""Command line: python train.py [overrides]   or   python train.py -m [sweep overrides]
(python train.py --help lists every config group and key).

The arguments are checked before Hydra composes anything (imbalance_lab.cli.preflight: no
torch, a refused one costs a fraction of a second); the job itself is imbalance_lab.cli.job."""

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig

from imbalance_lab.cli.preflight import preflight
from imbalance_lab.config import schema

CONF_DIR = Path(__file__).resolve().parent / "conf"
schema.register()  # conf/train.yaml starts from the schema; its sweep jobs use ${short_dirname:...}


@hydra.main(config_path="conf", config_name="train", version_base="1.3")
def main(cfg: DictConfig):
    """Returns what the sweeper reads of one job (imbalance_lab.cli.job.run_job)."""
    # Imported once the arguments passed the preflight: the training stack takes seconds.
    from imbalance_lab.cli.job import run_job

    return run_job(cfg)


if __name__ == "__main__":
    preflight(sys.argv[1:], CONF_DIR)
    main()
