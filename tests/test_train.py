"""run(): real Lightning training on a slice of real MNIST, from a composed config."""

import json

import pytest
import torch

from imbalance_lab.module import ImbalanceClassifier
from imbalance_lab.train import run

from compose import compose_config

REQUIRED = [
    "test/acc",
    "test/bal_acc",
    "test/p_I_to_I",
    "test/p_I_to_A",
    "test/p_A_to_I",
    "test/p_A_to_A",
    "val/acc",
    "train/class_counts",
    "model/params",
    "time/fit_s",
]


@pytest.mark.parametrize(("model", "params"), [("cnn", 1_618_026), ("rnn", 133_810)])
def test_run_trains_each_model_and_writes_metrics(tmp_path, model, params):
    cfg = compose_config([f"model={model}", "trainer.max_epochs=3", "optim.lr=0.003"])
    metrics = run(cfg, tmp_path)

    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert all(key in metrics for key in REQUIRED)
    assert metrics["model/params"] == params
    # Step imbalance, rho 4 on n_max 200: minority digits 0-4 keep 50 images each.
    assert metrics["train/class_counts"] == [50] * 5 + [200] * 5
    # Real learning: the training loss falls over three epochs, one history row per epoch.
    losses = [row["train/loss"] for row in metrics["history"]]
    assert len(losses) == 3 and losses[-1] < losses[0]
    # The rates of a group add up to its error rate, so the four rates bound the accuracy.
    wrong_i = metrics["test/p_I_to_I"] + metrics["test/p_I_to_A"]
    wrong_a = metrics["test/p_A_to_I"] + metrics["test/p_A_to_A"]
    assert 0 <= wrong_i <= 1 and 0 <= wrong_a <= 1
    assert min(wrong_i, wrong_a) <= 1 - metrics["test/acc"] + 1e-6 <= max(wrong_i, wrong_a)


def test_ros_trains_on_over_sampled_counts(tmp_path):
    cfg = compose_config(["imbalance.method=ros", "imbalance.inv_rho=0.6", "trainer.max_epochs=1"])
    metrics = run(cfg, tmp_path)
    assert metrics["train/class_counts"] == [120] * 5 + [200] * 5
    assert metrics["train/size"] == 1600


def test_same_seed_same_metrics_other_seed_other_data(tmp_path):
    overrides = ["model=rnn", "data.rotation=25", "imbalance.method=ros", "imbalance.inv_rho=0.5"]
    first = run(compose_config(overrides), tmp_path / "a")
    again = run(compose_config(overrides), tmp_path / "b")
    other = run(compose_config([*overrides, "seed=1"]), tmp_path / "c")
    for metrics in (first, again, other):
        metrics.pop("time/fit_s")
    assert first == again
    assert first != other


def test_checkpoint_reloads_without_arguments(tmp_path):
    cfg = compose_config(["model=rnn", "imbalance.method=weighted", "imbalance.weight=5"])
    run(cfg, tmp_path)
    module = ImbalanceClassifier.load_from_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    assert module.hparams.model == "rnn"
    assert module.class_weights.tolist() == [5.0] * 5 + [1.0] * 5
    logits = module(torch.zeros(2, 1, 28, 28))
    assert logits.shape == (2, 10)
