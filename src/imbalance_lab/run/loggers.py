"""Lightning loggers by name; W&B falls back to offline, with one line, instead of hanging."""

from __future__ import annotations

import sys
from pathlib import Path

from pytorch_lightning.loggers import CSVLogger, Logger

from imbalance_lab.wandb_mode import resolve_wandb_mode


def build_logger(
    name: str,
    output_dir: Path,
    *,
    project: str = "imbalance-lab",
    entity: str | None = None,
    mode: str = "auto",
    group: str | None = None,
    tags: list[str] | None = None,
    config: dict | None = None,
) -> Logger | bool:
    """Returns the Lightning logger `name` ('csv' | 'wandb' | 'none') writing under output_dir;
    False for 'none' (Lightning's value for no logger)."""
    if name == "none":
        return False
    if name == "csv":
        return CSVLogger(save_dir=str(output_dir), name="csv", version="")
    from pytorch_lightning.loggers import WandbLogger  # imports wandb: only when asked for

    mode, notice = resolve_wandb_mode(mode)
    if notice:
        print(
            f"W&B: {notice}; logging offline to {output_dir / 'wandb'} "
            f"(upload later with `wandb sync {output_dir / 'wandb'}/offline-run-*`)",
            file=sys.stderr,
        )
    logger = WandbLogger(
        project=project,
        entity=entity,
        group=group,
        tags=tags,
        save_dir=str(output_dir),
        mode=mode,
        config=config,
        name=output_dir.name,
    )
    # Lightning passes anonymous=None to wandb.init, which W&B 0.31 answers with a warning that
    # the setting has no effect; leave the key out.
    logger._wandb_init.pop("anonymous", None)
    return logger


def finish_wandb(logger: Logger | bool) -> None:
    """Closes the W&B run, so that the next job of a multirun starts a fresh one."""
    if type(logger).__name__ == "WandbLogger":
        import wandb

        wandb.finish()


def log_image(logger: Logger | bool, key: str, path: Path) -> None:
    """Logs the PNG at path as an image where the logger shows images (W&B); else nothing."""
    if type(logger).__name__ == "WandbLogger":
        logger.log_image(key=key, images=[str(path)])
