"""What a run leaves behind and reports: the tested checkpoint reproduces the test metrics of
every kind of method, model selection by a validation metric, epochs numbered from 1 in every
output, the W&B config as the resolved Hydra config."""

import csv
import json
import subprocess
import sys

import pytest
import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf

from imbalance_lab.data.spec import DatasetSpec
from imbalance_lab.run.runner import run
from imbalance_lab.training.module import ImbalanceClassifier

from helpers import TINY, compose_config, train


def confusion_from_checkpoint(output_dir, metrics, cfg) -> torch.Tensor:
    """Returns the test confusion matrix of the checkpoint metrics.json names, reloaded with no
    arguments and tested on the run's own data."""
    from imbalance_lab.data.datamodule import ImbalancedData

    module = ImbalanceClassifier.load_from_checkpoint(output_dir / metrics["test/checkpoint"])
    data = OmegaConf.to_container(cfg.data, resolve=True)
    datamodule = ImbalancedData(
        class_counts=metrics["data/class_counts"],
        spec=DatasetSpec.from_config(data),
        val_per_class=data["val_per_class"],
        batch_size=data["batch_size"],
        seed=cfg.seed,
    )
    trainer = pl.Trainer(
        accelerator="cpu", logger=False, enable_progress_bar=False, limit_test_batches=8
    )
    trainer.test(module, datamodule=datamodule, verbose=False)
    return module.group_rates["test"].last_confusion


@pytest.mark.parametrize(
    "overrides",
    [
        ["imbalance.method=none"],
        ["imbalance.method=posthoc", "imbalance.tau=auto"],
        ["imbalance.method=two_phase", "imbalance.finetune_epochs=1"],
        ["imbalance.method=ldam", "imbalance.drw_epoch=1"],
        ["select=val/bal_acc"],
    ],
    ids=lambda o: " ".join(o),
)
def test_the_named_checkpoint_reproduces_the_test_metrics(tmp_path, overrides):
    cfg = compose_config(["model=rnn", "trainer.max_epochs=2", *overrides])
    metrics = run(cfg, tmp_path)
    expected = (
        "checkpoints/last.ckpt"
        if overrides == ["imbalance.method=none"] or ("ldam" in overrides[0])
        else "checkpoints/tested.ckpt"
    )
    assert metrics["test/checkpoint"] == expected
    reloaded = confusion_from_checkpoint(tmp_path, metrics, cfg)
    assert reloaded.tolist() == metrics["test/confusion_matrix"]


def test_select_tests_the_best_validation_epoch(tmp_path):
    cfg = compose_config(["model=rnn", "trainer.max_epochs=4", "select=val/bal_acc"])
    metrics = run(cfg, tmp_path)
    scores = [row["val/bal_acc"] for row in metrics["history"]]
    best = scores.index(max(scores)) + 1  # the first of equals
    assert metrics["select/epoch"] == best and metrics["select/metric"] == "val/bal_acc"
    assert metrics["val/bal_acc"] == max(scores)  # the reported validation is that epoch's
    # The last epoch's weights (last.ckpt) are not what was tested unless it was the best.
    last = ImbalanceClassifier.load_from_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    tested = ImbalanceClassifier.load_from_checkpoint(tmp_path / "checkpoints" / "tested.ckpt")
    same = all(
        torch.equal(a, b)
        for a, b in zip(last.state_dict().values(), tested.state_dict().values(), strict=True)
    )
    assert same == (best == 4)


def test_select_lower_is_better_for_calibration_error(tmp_path):
    cfg = compose_config(["model=rnn", "trainer.max_epochs=3", "select=val/ece"])
    metrics = run(cfg, tmp_path)
    errors = [row["val/ece"] for row in metrics["history"]]
    assert metrics["select/epoch"] == errors.index(min(errors)) + 1


def test_epochs_are_numbered_from_one_in_history_csv_and_progress(tmp_path):
    run_dir = tmp_path / "run"
    done = train(
        [
            *TINY,
            "model=rnn",
            "logger=csv",
            "trainer.max_epochs=2",
            "trainer.enable_progress_bar=true",
            f"hydra.run.dir={run_dir}",
        ]
    )
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert [row["epoch"] for row in metrics["history"]] == [1, 2]
    with open(run_dir / "csv" / "metrics.csv") as stream:
        rows = list(csv.DictReader(stream))
    trained = {float(r["epoch"]) for r in rows if r.get("train/loss") or r.get("val/acc")}
    assert trained == {1.0, 2.0}
    shown = done.stdout + done.stderr  # tqdm writes to stdout under Lightning
    assert "Epoch 2/2" in shown and "Epoch 0" not in shown
    assert "loss=" in shown and "val/acc=" in shown


def wandb_records(run_dir) -> list[dict]:
    """Returns the records of the run's offline W&B transaction log, read by W&B's own reader
    (`wandb leet inspect --json`)."""
    [log] = (run_dir / "wandb").glob("offline-run-*/run-*.wandb")
    wandb_cli = [sys.executable, "-c", "from wandb.cli.cli import cli; cli()"]
    done = subprocess.run(
        [*wandb_cli, "leet", "inspect", "--json", str(log)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_the_wandb_config_is_the_resolved_hydra_config_and_its_summary_the_record(tmp_path):
    run_dir = tmp_path / "run"
    done = train(
        [*TINY, "logger=wandb", "logger.mode=offline", "model=rnn", f"hydra.run.dir={run_dir}"],
        env={"HOME": str(tmp_path)},
        unset=["WANDB_MODE", "WANDB_API_KEY"],
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    config: dict = {}
    summary: dict = {}
    for record in wandb_records(run_dir):
        if record["type"] == "run":
            config.update(record["run"].get("config", {}).get("update", {}))
        elif record["type"] == "config":
            config.update(record["config"].get("update", {}))
        elif record["type"] == "summary":
            summary.update(record["summary"].get("update", {}))
    config.pop("_wandb", None)
    hydra_config = OmegaConf.to_container(OmegaConf.load(run_dir / ".hydra" / "config.yaml"))
    assert config == json.loads(json.dumps(hydra_config))  # nothing added, nothing overwritten
    assert config["model"] == {"name": "rnn", "hidden_size": 100, "num_layers": 2}
    # The summary holds the run's record, not only what was logged per epoch.
    metrics = json.loads((run_dir / "metrics.json").read_text())
    for key in ("time/fit_s", "model/params", "data/class_counts", "train/class_counts"):
        assert summary[key] == metrics[key], key
    # W&B's own boilerplate is silenced; the one offline notice is ours.
    assert "wandb: " not in done.stdout + done.stderr
    assert "anonymous" not in done.stderr
