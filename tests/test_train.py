"""run(): real Lightning training on a slice of real MNIST, from a composed config."""

import json

import pytest
import torch

from imbalance_lab.run.runner import run
from imbalance_lab.training.module import ImbalanceClassifier

from helpers import compose_config, without_timing

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
    # trainer=fast tests 8 batches of 128 images; the matrix counts each once.
    confusion = torch.tensor(metrics["test/confusion_matrix"])
    assert confusion.shape == (10, 10) and confusion.sum() == 1024
    assert confusion.trace() / 1024 == pytest.approx(metrics["test/acc"], abs=1e-6)
    assert (tmp_path / "confusion_matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert metrics["model/params"] == params
    assert metrics["train/cuda_graph"] is False  # step_mode auto on the CPU: eager steps
    # Corrected rates: 5 + 5 classes, so p_I->A lands in 5 classes and p_I->I in 4.
    for stage in ("test", "val"):
        assert metrics[f"{stage}/p_I_to_A_per_class"] == pytest.approx(
            metrics[f"{stage}/p_I_to_A"] / 5, abs=1e-6
        )
        assert metrics[f"{stage}/p_I_to_I_per_class"] == pytest.approx(
            metrics[f"{stage}/p_I_to_I"] / 4, abs=1e-6
        )
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


def test_confusion_figure_false_draws_nothing_and_keeps_the_matrix(tmp_path):
    metrics = run(compose_config(["confusion_figure=false"]), tmp_path)
    assert not (tmp_path / "confusion_matrix.png").exists()
    assert torch.tensor(metrics["test/confusion_matrix"]).sum() == 1024


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
    first, again, other = (without_timing(metrics) for metrics in (first, again, other))
    assert first == again
    assert first != other


def test_checkpoint_reloads_without_arguments(tmp_path):
    cfg = compose_config(["model=rnn", "imbalance.method=weighted", "imbalance.weight=5"])
    run(cfg, tmp_path)
    module = ImbalanceClassifier.load_from_checkpoint(tmp_path / "checkpoints" / "last.ckpt")
    assert module.hparams.model == "rnn"
    assert module.loss_fn.weight.tolist() == [5.0] * 5 + [1.0] * 5
    logits = module(torch.zeros(2, 1, 28, 28))
    assert logits.shape == (2, 10)


METHOD_RUNS = [
    ["imbalance.method=rus", "imbalance.inv_rho=1.0"],
    ["imbalance.method=sqrt"],
    ["imbalance.method=weighted", "imbalance.weight=auto"],
    ["imbalance.method=class_balanced", "imbalance.beta=0.99"],
    ["imbalance.method=focal", "imbalance.gamma=2", "imbalance.alpha=[2,2,2,2,2,1,1,1,1,1]"],
    ["imbalance.method=ldam", "imbalance.drw_epoch=1", "trainer.max_epochs=2"],
    ["imbalance.method=logit_adjusted", "imbalance.tau=1.5"],
    ["imbalance.method=balanced_softmax"],
    ["imbalance.profile=linear", "imbalance.rho=10", "imbalance.method=ros"],
    ["imbalance.profile=exp", "imbalance.rho=10", "model=cnn"],
    ["imbalance.mu=0.3", "data.rotation=25"],
]


@pytest.mark.parametrize("overrides", METHOD_RUNS, ids=lambda o: " ".join(o))
def test_every_method_and_profile_trains(tmp_path, overrides):
    cfg = compose_config(["model=rnn", "trainer.limit_train_batches=3", *overrides])
    metrics = run(cfg, tmp_path)
    assert (tmp_path / "metrics.json").is_file()
    assert 0 <= metrics["test/acc"] <= 1 and 0 <= metrics["test/roc_auc"] <= 1
    assert len(metrics["minority"]) >= 1
    assert sum(metrics["data/class_counts"]) > 0


def test_rus_trains_on_balanced_distinct_images(tmp_path):
    cfg = compose_config(["model=rnn", "imbalance.method=rus", "imbalance.inv_rho=1.0"])
    metrics = run(cfg, tmp_path)
    assert metrics["train/class_counts"] == [50] * 10


def test_posthoc_tunes_tau_on_validation(tmp_path):
    cfg = compose_config(["model=rnn", "imbalance.method=posthoc", "imbalance.tau=auto"])
    metrics = run(cfg, tmp_path)
    assert metrics["posthoc/tau"] in [0.25 * k for k in range(9)]
    fixed = run(
        compose_config(["model=rnn", "imbalance.method=posthoc", "imbalance.tau=0"]),
        tmp_path / "tau0",
    )
    plain = run(compose_config(["model=rnn"]), tmp_path / "plain")
    assert fixed["posthoc/tau"] == 0.0
    # tau 0 leaves the logits alone: the same training, the same test predictions.
    assert fixed["test/acc"] == plain["test/acc"]


def test_two_phase_fine_tunes_only_the_last_layer_on_the_imbalanced_set(tmp_path):
    cfg = compose_config(
        [
            "model=cnn",
            "imbalance.method=two_phase",
            "imbalance.finetune_epochs=2",
            "checkpoint=false",
        ]
    )
    metrics = run(cfg, tmp_path)
    assert metrics["train/class_counts"] == [200] * 10  # phase one: ROS to balance
    phases = [row.get("phase", 1) for row in metrics["history"]]
    assert phases == [1, 2, 2]


def test_original_profile_without_validation_trains_on_every_training_image(tmp_path):
    # The study's baselines: all 60,000 training images, as they come (no validation split).
    cfg = compose_config(
        [
            "imbalance.profile=original",
            "imbalance.rho=1",
            "data.val_per_class=0",
            "trainer.limit_train_batches=2",
            "checkpoint=false",
        ]
    )
    metrics = run(cfg, tmp_path)
    # MNIST's training-set class counts (shared/mnist/README.md).
    counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert metrics["data/class_counts"] == counts == metrics["train/class_counts"]
    assert metrics["train/size"] == 60_000
    assert metrics["data/val_size"] == 0
    assert not any(key.startswith("val/") for key in metrics)
    assert all(not key.startswith("val/") for row in metrics["history"] for key in row)


def test_original_profile_keeps_what_the_validation_split_leaves(tmp_path):
    cfg = compose_config(
        ["imbalance.profile=original", "imbalance.rho=1", "trainer.limit_train_batches=2"]
    )
    metrics = run(cfg, tmp_path)
    counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert metrics["train/class_counts"] == [n - 20 for n in counts]  # TINY: 20 per class
    assert metrics["data/val_size"] == 200


def test_metrics_record_evaluated_images_and_the_code_commit(tmp_path):
    metrics = run(compose_config(["model=rnn", "trainer.limit_train_batches=2"]), tmp_path)
    assert metrics["data/test_size"] == 1024  # trainer=fast: 8 test batches of 128
    assert metrics["data/test_split_size"] == 10_000  # MNIST's own
    assert metrics["data/val_size"] == 200
    assert metrics["data/val_scored"] == 200  # trainer=fast: 4 batches of 128 reach all 200
    # Planned: 5 x 200 + 5 x 50 images per epoch; trained: 2 batches of 128.
    assert metrics["train/size"] == 1250
    assert metrics["train/batches_per_epoch"] == 2
    assert metrics["train/images_per_epoch"] == metrics["train/images_trained"] == 256
    assert [row["train/images"] for row in metrics["history"]] == [256]
    assert metrics["env/threads"] == torch.get_num_threads() == 1  # conftest: one thread
    assert metrics["env/cpu"] and metrics["env/gpu"] is None
    assert metrics["env/torch"] == torch.__version__
    commit = metrics["code/commit"]
    # Tests run from a git checkout: a 40-hex hash, '+dirty' while tracked files are edited.
    assert commit is not None and len(commit.removesuffix("+dirty")) == 40
    int(commit.removesuffix("+dirty"), 16)
