"""What the command line leaves out of the terminal and train.log: Lightning's and W&B's
start-up boilerplate, which every run and every sweep job would otherwise repeat. Real
warnings still show; library code and tests calling run() see everything."""

from __future__ import annotations

import logging
import os
import warnings

# Lightning's info lines that say nothing about this run (its hardware lines are in metrics.json
# and the summary), matched by their start.
BOILERPLATE = (
    "GPU available:",
    "TPU available:",
    "HPU available:",
    "IPU available:",
    "💡 Tip:",
    "`Trainer.fit` stopped:",
    "LOCAL_RANK:",
    "You are using a CUDA device",
    # The run's own line says it was interrupted, and how to resume (run/interrupts.py).
    "Received SIGTERM",
)
# Warnings that are expected here, by their message.
EXPECTED_WARNINGS = (
    # Lightning 2.6 on torch 2.13 (pytorch_lightning/utilities/_pytree.py), not our code.
    r".*isinstance\(treespec, LeafSpec\)",
    # train/loss is logged once per epoch on purpose (no host sync per step).
    r".*smaller than the logging interval",
    # Resuming a run writes into its own folder again.
    r".*exists and is not empty",
    # Batches are tensors on the device: there are no worker processes to add.
    r".*does not have many workers",
)
LIGHTNING_LOGGERS = ("pytorch_lightning", "lightning.pytorch", "lightning_fabric")


class _DropBoilerplate(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(BOILERPLATE)


def quiet_libraries() -> None:
    """Silences the boilerplate above and routes Lightning's remaining log lines through the
    root logger, i.e. Hydra's console and <run>/train.log handlers (Lightning gives its logger
    a handler of its own and stops propagation when it is imported before logging is set up).
    Call it once logging is configured (inside the Hydra job)."""
    for name in LIGHTNING_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _DropBoilerplate) for f in handler.filters):
            handler.addFilter(_DropBoilerplate())
    for message in EXPECTED_WARNINGS:
        warnings.filterwarnings("ignore", message=message)
    # W&B's own banner and tips (about 35 lines a run); its errors still print.
    os.environ.setdefault("WANDB_SILENT", "true")
