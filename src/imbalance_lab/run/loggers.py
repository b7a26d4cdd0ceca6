"""Lightning loggers by name (logger.name); W&B falls back to offline, with one line, instead of
hanging, and gets the run's record in its summary."""

from __future__ import annotations

import sys
from pathlib import Path

from lightning_fabric.utilities.rank_zero import rank_zero_only
from pytorch_lightning.loggers import CSVLogger, Logger

from imbalance_lab.metrics.names import TEST_CONFUSION
from imbalance_lab.run_folder import CSV_DIR
from imbalance_lab.wandb_mode import resolve_wandb_mode


class EpochCSVLogger(CSVLogger):
    """Lightning's CSV logger with `epoch` an integer in every row: the module logs it (numbered
    from 1) as a tensor, Lightning adds its own int in the test row, and a CSV mixing 1.0 and 1
    reads as two kinds of value."""

    @rank_zero_only
    def log_metrics(self, metrics: dict, step: int | None = None) -> None:
        if "epoch" in metrics:
            metrics = {**metrics, "epoch": int(metrics["epoch"])}
        super().log_metrics(metrics, step)


def build_logger(config: dict, output_dir: Path, group: str | None) -> Logger | bool:
    """Returns the Lightning logger that config's logger node names ('csv' | 'wandb' | 'none')
    writing under output_dir, False for 'none' (Lightning's value for no logger). A W&B run gets
    the resolved config as its config, the model and method as tags, the sweep as its group."""
    settings = dict(config["logger"])
    name = settings.pop("name")
    if name == "none":
        return False
    if name == "csv":
        return EpochCSVLogger(save_dir=str(output_dir), name=CSV_DIR, version="")
    from pytorch_lightning.loggers import WandbLogger  # imports wandb: only when asked for

    mode, notice = resolve_wandb_mode(settings.get("mode", "auto"))
    if notice:
        print(
            f"W&B: {notice}; logging offline to {output_dir / 'wandb'} "
            f"(upload later with `wandb sync {output_dir / 'wandb'}/offline-run-*`)",
            file=sys.stderr,
        )
    logger = WandbLogger(
        project=settings.get("project", "imbalance-lab"),
        entity=settings.get("entity"),
        group=group,
        tags=[config["model"]["name"], config["imbalance"]["method"]],
        save_dir=str(output_dir),
        mode=mode,
        config=config,
        name=output_dir.name,
    )
    # Lightning passes anonymous=None to wandb.init, which W&B 0.31 answers with a warning that
    # the setting has no effect; leave the key out.
    logger._wandb_init.pop("anonymous", None)
    return logger


def log_summary(logger: Logger | bool, metrics: dict) -> None:
    """Puts the run's record (metrics.json less its history and confusion matrix: the class
    counts, model/params, time/fit_s, ...) into the W&B run's summary; other loggers: nothing."""
    if type(logger).__name__ == "WandbLogger":
        skipped = ("history", TEST_CONFUSION)
        record = {k: v for k, v in metrics.items() if k not in skipped and v is not None}
        logger.experiment.summary.update(record)


def finish_wandb(logger: Logger | bool) -> None:
    """Closes the W&B run, so that the next job of a multirun starts a fresh one."""
    if type(logger).__name__ == "WandbLogger":
        import wandb

        wandb.finish()


def log_image(logger: Logger | bool, key: str, path: Path) -> None:
    """Logs the PNG at path as an image where the logger shows images (W&B); else nothing."""
    if type(logger).__name__ == "WandbLogger":
        logger.log_image(key=key, images=[str(path)])
