"""What run() writes into a run folder besides metrics.json: the config files, and Lightning's
checkpoints made atomic, so that a crash never leaves a half checkpoint that looks whole (text
files: run_folder.write_text_atomic)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch
from hydra.core.hydra_config import HydraConfig
from lightning_fabric.plugins import TorchCheckpointIO
from omegaconf import DictConfig, OmegaConf

from imbalance_lab.run_folder import (
    CONFIG_FILE,
    HYDRA_FILE,
    OVERRIDES_FILE,
    shareable,
    write_text_atomic,
)


def save_config_files(output_dir: Path, cfg: DictConfig) -> None:
    """Writes .hydra/config.yaml (the composed config, resolved) and, under Hydra, .hydra/
    overrides.yaml and .hydra/hydra.yaml: only once the run has its folder (conf/train.yaml sets
    hydra.output_subdir null, so Hydra never overwrites the files of a folder's earlier run)."""
    write_text_atomic(output_dir / CONFIG_FILE, OmegaConf.to_yaml(cfg, resolve=True))
    if HydraConfig.initialized():
        hydra = HydraConfig.get()
        overrides = OmegaConf.to_yaml(hydra.overrides.task)
        write_text_atomic(output_dir / OVERRIDES_FILE, overrides)
        write_text_atomic(output_dir / HYDRA_FILE, OmegaConf.to_yaml({"hydra": hydra}))


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, made atomic on local disks: fsspec's transaction stages
    the file in the system temp folder and moves it, which is a copy (not a rename) whenever
    that folder is on another file system than the run."""

    def save_checkpoint(self, checkpoint: dict, path, storage_options=None) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(handle)
        try:
            torch.save(checkpoint, temporary)
            shareable(temporary)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
