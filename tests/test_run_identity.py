"""A result belongs to the config that made it: the fingerprint, folder names that separate
runs whose results differ, refusals before any work, one process per folder."""

import json
import os
import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from imbalance_lab.config.identity import (
    FOLDER_NAME_EXCLUDED,
    RUN_ONLY_KEYS,
    differences,
    fingerprint,
    results_config,
)
from imbalance_lab.errors import FolderError
from imbalance_lab.folder_claim import claimed_folder, folder_state
from imbalance_lab.run.runner import run

from helpers import CONF_DIR, TINY, compose_config, train

CONFIG = {
    "seed": 0,
    "threads": None,
    "resume": True,
    "imbalance": {"rho": 10, "inv_rho": 1.0, "mu": None, "minority": [0, 1]},
    "trainer": {"max_epochs": 10, "enable_progress_bar": True, "devices": 1},
    "logger": {"name": "csv"},
}


def _with(**changes) -> dict:
    """Returns CONFIG with dotted keys changed."""
    config = json.loads(json.dumps(CONFIG))
    for dotted, value in changes.items():
        node = config
        *parents, last = dotted.split("__")
        for name in parents:
            node = node[name]
        node[last] = value
    return config


def test_fingerprint_ignores_what_only_changes_how_a_run_runs():
    same = [
        _with(threads=4),
        _with(resume=False),
        _with(trainer__enable_progress_bar=False),
        _with(trainer__devices=2),
        _with(logger={"name": "wandb", "mode": "offline"}),
        _with(imbalance__rho=10.0),  # rho 10 and 10.0 train the same
    ]
    assert {fingerprint(config) for config in same} == {fingerprint(CONFIG)}
    other = [_with(seed=1), _with(imbalance__rho=100), _with(trainer__max_epochs=2)]
    assert len({fingerprint(config) for config in [CONFIG, *other]}) == 4


def test_a_new_key_whose_default_is_null_keeps_every_older_fingerprint():
    assert fingerprint(_with(imbalance__partition_seed=None)) == fingerprint(CONFIG)
    assert fingerprint(_with(imbalance__partition_seed=3)) != fingerprint(CONFIG)


def test_results_config_and_differences_name_dotted_keys():
    flat = results_config(CONFIG)
    assert flat == {
        "imbalance.inv_rho": 1,
        "imbalance.minority": [0, 1],
        "imbalance.rho": 10,
        "seed": 0,
        "trainer.max_epochs": 10,
    }
    assert fingerprint(flat) == fingerprint(CONFIG)  # the record in fingerprint.json
    assert differences(flat, _with(seed=2, imbalance__mu=0.5)) == [
        ("imbalance.mu", None, 0.5),
        ("seed", 0, 2),
    ]


def test_the_folder_names_leave_out_exactly_the_run_only_keys():
    overrides = ["threads=2", "logger=csv", "trainer.enable_progress_bar=false", "seed=3"]
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose("train", overrides=[*overrides, "trainer=fast"], return_hydra_config=True)
    assert list(cfg.hydra.job.config.override_dirname.exclude_keys) == list(FOLDER_NAME_EXCLUDED)
    assert ("experiment", *RUN_ONLY_KEYS) == FOLDER_NAME_EXCLUDED
    # trainer=fast decides the results (20 batches): it names the folder.
    assert cfg.hydra.job.override_dirname == "seed=3,trainer=fast"


def test_a_rerun_with_another_config_is_refused_and_leaves_the_folder_as_it_was(tmp_path):
    folder = tmp_path / "run"
    first = train([*TINY, f"hydra.run.dir={folder}"])
    assert first.returncode == 0, first.stderr[-2000:]
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "train.log"}

    other = train([*TINY, "model=rnn", f"hydra.run.dir={folder}"])
    assert other.returncode == 2
    (line,) = other.stderr.strip().splitlines()
    assert line.startswith(f"error: {folder} holds the results of another config (model.name")
    assert '"cnn" there, "rnn" asked' in line and "resume=false to replace them" in line
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "train.log"}
    assert after == before  # its config files included: nothing rewritten

    again = train([*TINY, f"hydra.run.dir={folder}"])  # the same config: skipped into
    assert again.returncode == 0 and "finished before" in again.stdout


def test_a_checkpoint_of_another_config_is_never_continued(tmp_path):
    run(compose_config(["model=rnn"]), tmp_path)
    (tmp_path / "metrics.json").unlink()  # as if killed after its last checkpoint
    assert folder_state(tmp_path, _resolved(["model=rnn"])).kind == "resumable"
    with pytest.raises(FolderError, match=r"optim.lr 0.001 there, 0.01 asked"):
        run(compose_config(["model=rnn", "optim.lr=0.01"]), tmp_path)
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()
    # resume=false replaces the old results instead: nothing of them is left beside the new.
    metrics = run(compose_config(["model=rnn", "optim.lr=0.01", "resume=false"]), tmp_path)
    recorded = json.loads((tmp_path / "fingerprint.json").read_text())
    assert recorded["fingerprint"] == metrics["config/fingerprint"]
    assert recorded["config"]["optim.lr"] == 0.01


def _resolved(overrides: list[str]) -> dict:
    """Returns the composed TINY config with overrides, resolved to a plain dict."""
    from omegaconf import OmegaConf

    return OmegaConf.to_container(compose_config(overrides), resolve=True)


def test_a_smoke_sweep_and_the_real_one_never_share_folders(tmp_path):
    # The README's workflow: check a sweep with trainer=fast, then run it for real.
    sweep = tmp_path / "sweep"
    base = ["-m", *TINY[1:], "model=rnn", "seed=0", f"hydra.sweep.dir={sweep}"]
    smoke = train([*base, "trainer=fast"])
    assert smoke.returncode == 0, smoke.stderr[-2000:]
    real = train([*base, "trainer=fast", "trainer.limit_train_batches=5"])
    assert real.returncode == 0, real.stderr[-2000:]
    assert "1 jobs finished, 0 skipped" in real.stdout + real.stderr
    folders = sorted(p.name for p in sweep.iterdir() if p.is_dir())
    assert len(folders) == 2 and "trainer.limit_train_batches=5" in folders[0]
    assert "trainer=fast" in folders[1] and "limit_train_batches" not in folders[1]
    trained = [
        json.loads((sweep / f / "metrics.json").read_text())["train/batches_per_epoch"]
        for f in folders
    ]
    assert trained == [5, 10]  # the smoke run: all of TINY's 10


def test_a_sweep_over_folders_of_another_config_stops_before_any_job(tmp_path):
    # The same overrides, another conf/ (an edited default between two launches).
    edited = tmp_path / "conf"
    shutil.copytree(CONF_DIR, edited)
    text = (
        (edited / "model" / "rnn.yaml").read_text().replace("hidden_size: 100", "hidden_size: 99")
    )
    (edited / "model" / "rnn.yaml").write_text(text)
    sweep = tmp_path / "sweep"
    args = ["-m", *TINY, "model=rnn", f"hydra.sweep.dir={sweep}"]
    first = train(["-cp", str(edited), *args, "seed=0"])
    assert first.returncode == 0, first.stderr[-2000:]

    listed = train([*args, "seed=0,1", "hydra.sweeper.dry_run=true"])
    assert listed.returncode == 0
    assert "2 jobs (1 clash, 1 new); dry run: none started" in listed.stdout
    second = train([*args, "seed=0,1"])
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert "model.hidden_size 99 there, 100 asked" in lines[-2]
    assert lines[-1] == (
        "error: 1 job folder of this sweep holds another config's results (above); no job was "
        "started"
    )
    (only,) = [p.name for p in sweep.iterdir() if p.is_dir()]  # job 1 never started
    assert only.startswith("0_") and "seed=0" in only


def test_a_folder_held_by_another_process_is_refused_and_a_sweep_skips_its_job(tmp_path):
    args = ["-m", *TINY, f"hydra.sweep.dir={tmp_path / 'sweep'}", "seed=0,1"]
    listing = train([*args, "hydra.sweeper.dry_run=true"])
    held = Path(listing.stdout.splitlines()[1].split()[-1])  # job 0's folder
    with claimed_folder(held, _resolved(["seed=0"]), resume=True):  # this test process holds it
        alone = train([*TINY, "seed=0", f"hydra.run.dir='{held}'"])  # quoted: it has , and =
        sweep = train(args)
    assert alone.returncode == 2
    (line,) = alone.stderr.strip().splitlines()
    assert line.startswith(f"error: {held} is in use by process {os.getpid()} on ")
    assert line.endswith("wait for it to end or use another folder")
    assert sweep.returncode == 0, sweep.stderr[-2000:]
    assert f"job refused: {held} is in use by process {os.getpid()}" in sweep.stdout + sweep.stderr
    output = sweep.stdout + sweep.stderr
    assert "1 jobs finished, 0 skipped" in output and "1 refused (their folder in use)" in output
    assert not (held / "metrics.json").exists()
