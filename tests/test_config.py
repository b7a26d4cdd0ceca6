"""check_config: each bad value stops with one line naming the key, the value, what is allowed."""

import pytest

from imbalance_lab.config.check import check_config
from imbalance_lab.errors import ConfigError

from helpers import compose_config


@pytest.mark.parametrize(
    "override",
    [
        "model=cnn",
        "model=rnn",
        "imbalance.method=ros",
        "imbalance.method=weighted",
        "imbalance.weight=auto",
        "imbalance.rho=1",
        "imbalance.minority=[9]",
        "imbalance.profile=linear",
        "imbalance.profile=exp",
        "imbalance.mu=0.3",
        "imbalance.method=posthoc",
        "imbalance.method=focal",
        "imbalance.alpha=[1,1,1,1,1,2,2,2,2,2]",
        "imbalance.method=ldam",
        "imbalance.drw_epoch=3",
        "optim.name=sgd",
        "data.rotation=25",
        "logger=csv",
        "logger=wandb",
        "step_mode=eager",
        "optim.clip_grad_norm=1.0",
        "imbalance.profile=original imbalance.rho=1",
        "data.val_per_class=0",
    ],
)
def test_valid_configs_pass(override):
    check_config(compose_config(override.split()))


def test_tau_auto_is_allowed_for_posthoc():
    check_config(compose_config(["imbalance.method=posthoc", "imbalance.tau=auto"]))


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    [
        (["imbalance.method=smote"], "imbalance.method", "one of none, ros, rus, sqrt, weighted"),
        (["imbalance.rho=0.5"], "imbalance.rho", ">= 1"),
        (["imbalance.rho=ten"], "imbalance.rho", "a number"),
        (["imbalance.method=ros", "imbalance.inv_rho=0.2"], "imbalance.inv_rho", ">= 0.25"),
        (["imbalance.method=ros", "imbalance.inv_rho=1.5"], "imbalance.inv_rho", "<= 1"),
        (["imbalance.minority=[0,10]"], "imbalance.minority", "each in 0..9"),
        (["imbalance.minority=[1,1]"], "imbalance.minority", "distinct"),
        (["imbalance.minority=[]"], "imbalance.minority", "1 to 9"),
        (["imbalance.minority=[0,1,2,3,4,5,6,7,8,9]"], "imbalance.minority", "1 to 9"),
        (["imbalance.weight=-1"], "imbalance.weight", "> 0, or auto"),
        (["imbalance.weight=heavy"], "imbalance.weight", "> 0, or auto"),
        (["imbalance.n_max=0"], "imbalance.n_max", ">= 1"),
        (["imbalance.n_max=10", "imbalance.rho=100"], "imbalance.rho", "below 2 * imbalance.n_max"),
        (["imbalance.profile=zipf"], "imbalance.profile", "one of step, linear, exp, original"),
        (["imbalance.mu=1.0"], "imbalance.mu", "A must keep a class"),
        (["imbalance.mu=0"], "imbalance.mu", "> 0"),
        (["imbalance.q=-1"], "imbalance.q", ">= 0"),
        (["imbalance.beta=1"], "imbalance.beta", "<= 1"),
        (["imbalance.gamma=-0.5"], "imbalance.gamma", ">= 0"),
        (["imbalance.alpha=[1,2]"], "imbalance.alpha", "list of 10 numbers"),
        (["imbalance.max_margin=0"], "imbalance.max_margin", "> 0"),
        (["imbalance.drw_epoch=-1"], "imbalance.drw_epoch", ">= 0"),
        (["imbalance.tau=auto"], "imbalance.tau", "auto: posthoc only"),
        (["imbalance.tau=-1", "imbalance.method=posthoc"], "imbalance.tau", ">= 0"),
        (["imbalance.finetune_epochs=0"], "imbalance.finetune_epochs", ">= 1"),
        (["optim.name=rmsprop"], "optim.name", "one of adam, sgd"),
        (["optim.lr=0"], "optim.lr", "> 0"),
        (["optim.momentum=1.5"], "optim.momentum", "<= 1"),
        (["data.rotation=-5"], "data.rotation", ">= 0"),
        (["data.batch_size=0"], "data.batch_size", ">= 1"),
        (["data.batch_size=1.5"], "data.batch_size", "an integer"),
        (["data.root=/no/such/folder"], "data.root", "existing folder"),
        (["seed=-1"], "seed", ">= 0"),
        (["trainer.max_epochs=0"], "trainer.max_epochs", ">= 1"),
        (["step_mode=fast"], "step_mode", "one of eager, auto, cuda_graph"),
        (["imbalance.profile=original"], "imbalance.rho", "1 with imbalance.profile=original"),
        (["data.val_per_class=-1"], "data.val_per_class", ">= 0"),
        (
            ["imbalance.method=posthoc", "imbalance.tau=auto", "data.val_per_class=0"],
            "imbalance.tau",
            "a number when data.val_per_class is 0",
        ),
        (["confusion_figure=sometimes"], "confusion_figure", "true or false"),
        (["optim.clip_grad_norm=0"], "optim.clip_grad_norm", "> 0"),
        (["+trainer.gradient_clip_val=1"], "trainer.gradient_clip_val", "optim.clip_grad_norm"),
        (["+trainer.accumulate_grad_batches=2"], "trainer.accumulate_grad_batches", "batch_size"),
        (
            ["optim.clip_grad_norm=1", "trainer.precision=16-mixed"],
            "optim.clip_grad_norm",
            "null under 16-mixed",
        ),
        # trainer=fast trains on the CPU: there is nothing to capture a CUDA graph on.
        (["step_mode=cuda_graph"], "step_mode", "cuda_graph needs a CUDA device"),
    ],
)
def test_bad_values_name_key_value_and_allowed(overrides, key, allowed):
    with pytest.raises(ConfigError) as caught:
        check_config(compose_config(overrides))
    message = str(caught.value)
    assert caught.value.key == key
    assert message.startswith(f"{key}=")
    assert allowed in message
    assert "\n" not in message
