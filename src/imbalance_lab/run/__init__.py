"""One run: run(cfg, output_dir) from a composed config to metrics.json, through the training
stack (torch, Lightning), and what it writes on the way."""

from imbalance_lab.run.runner import run

__all__ = ["run"]
