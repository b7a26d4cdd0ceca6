"""check_config: each bad value stops with one line naming the key, the value, what is allowed."""

import pytest
from omegaconf import OmegaConf

from imbalance_lab.config.check import check_config
from imbalance_lab.errors import ConfigError
from imbalance_lab.run.stack_check import check_training_stack

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
        (["imbalance.minority=[]"], "imbalance.minority", "one or more distinct integers"),
        (["imbalance.minority=[0,1,2,3,4,5,6,7,8,9]"], "imbalance.minority", "1 to 9"),
        (["imbalance.weight=-1"], "imbalance.weight", "> 0 or auto"),
        (["imbalance.weight=heavy"], "imbalance.weight", "> 0 or auto"),
        (["imbalance.n_max=0"], "imbalance.n_max", ">= 1"),
        (["imbalance.n_max=10", "imbalance.rho=100"], "imbalance.rho", "below 2 * imbalance.n_max"),
        (["imbalance.profile=zipf"], "imbalance.profile", "one of step, linear, exp, original"),
        (["imbalance.mu=1.0"], "imbalance.mu", "> 0 and < 1"),
        (["imbalance.mu=0"], "imbalance.mu", "> 0"),
        (["imbalance.q=-1"], "imbalance.q", ">= 0"),
        (["imbalance.beta=1"], "imbalance.beta", ">= 0 and < 1"),
        (["imbalance.gamma=-0.5"], "imbalance.gamma", ">= 0"),
        (["imbalance.alpha=[1,2]"], "imbalance.alpha", "list of 10 numbers"),
        (["imbalance.max_margin=0"], "imbalance.max_margin", "> 0"),
        (["imbalance.drw_epoch=-1"], "imbalance.drw_epoch", ">= 0"),
        (["imbalance.tau=auto"], "imbalance.tau", ">= 0 (imbalance.method=posthoc allows it)"),
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


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    [
        (["imbalance.profile=exp", "imbalance.mu=0.3"], "imbalance.mu", "null with imbalance"),
        (
            ["imbalance.profile=linear", "imbalance.partition_seed=3"],
            "imbalance.partition_seed",
            "which reads n_max, rho",
        ),
        (
            ["imbalance.profile=original", "imbalance.rho=1", "imbalance.mu=0.5"],
            "imbalance.mu",
            "null",
        ),
    ],
)
def test_a_profile_refuses_the_settings_it_does_not_read(overrides, key, allowed):
    with pytest.raises(ConfigError) as caught:
        check_config(compose_config(overrides))
    assert caught.value.key == key and allowed in str(caught.value)


def test_a_profile_does_not_judge_a_minority_set_it_ignores():
    # exp takes the smaller half of the classes as I: a listed set it never reads is not checked.
    check_config(compose_config(["imbalance.profile=exp", "imbalance.minority=[0,10]"]))


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    [
        (["trainer.precision=8"], "trainer.precision", "Precision 8 is invalid"),
        (["+trainer.max_epoch=5"], "trainer.max_epoch", "did you mean trainer.max_epochs?"),
        (["model=rnn", "model.hidden_size=0"], "model.hidden_size", "hidden_size"),
        # trainer=fast trains on the CPU: there is nothing to capture a CUDA graph on.
        (["step_mode=cuda_graph"], "step_mode", "cuda_graph needs a CUDA device"),
    ],
)
def test_the_model_and_trainer_refuse_their_settings_in_one_line_naming_the_key(
    overrides, key, allowed
):
    config = OmegaConf.to_container(compose_config(overrides), resolve=True)
    check_config(compose_config(overrides))  # a value only the training stack can judge
    with pytest.raises(ConfigError) as caught:
        check_training_stack(config)
    assert caught.value.key == key
    assert allowed in str(caught.value) and "\n" not in str(caught.value)


def test_a_good_model_and_trainer_pass_the_stack_check():
    check_training_stack(OmegaConf.to_container(compose_config(["model=rnn"]), resolve=True))
