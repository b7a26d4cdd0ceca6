"""The folders Hydra makes for a single run, noted before it makes them, so that a run refused
before it trained (a bad value) leaves none of them behind: not its own folder, nor the
outputs/runs/ above it when that did not exist before."""

from __future__ import annotations

import shutil
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

# The deepest folder of hydra.run.dir's path that existed before Hydra made the rest; None
# until a single run starts (a sweep checks every job before it makes any folder).
_existed_before: Path | None = None


class NoteExistingFolders(Callback):
    """Hydra callback (conf/train.yaml, hydra.callbacks): on_run_start runs before Hydra makes
    hydra.run.dir."""

    def on_run_start(self, config: DictConfig, **kwargs) -> None:
        global _existed_before
        folder = Path(config.hydra.run.dir).absolute()
        _existed_before = next(p for p in (folder, *folder.parents) if p.exists())


def remove_run_folder(output_dir: Path) -> None:
    """Removes output_dir, then each folder above it that Hydra made for it and that is now
    empty; a folder that existed before the run is kept, empty or not."""
    shutil.rmtree(output_dir, ignore_errors=True)
    if _existed_before is None:
        return
    for folder in output_dir.absolute().parents:
        if folder == _existed_before or _existed_before not in folder.parents:
            return
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
