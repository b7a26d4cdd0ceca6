"""The method table against the loss registry and the config: every method's loss exists,
gets every setting it needs, and every setting has its one default in conf/train.yaml."""

import inspect
import subprocess
import sys

import pytest

from imbalance_lab.imbalance.methods import METHODS, Method, method_named, settings_of
from imbalance_lab.training.losses import LOSSES

from helpers import IMBALANCE_DEFAULTS

# imbalance.* keys that describe the profile, not a method.
PROFILE_KEYS = {"profile", "minority", "mu", "partition_seed", "n_max", "rho", "method"}


@pytest.mark.parametrize("name", METHODS)
def test_each_method_names_a_registered_loss_that_gets_what_it_needs(name):
    method = METHODS[name]
    assert method.loss in LOSSES
    parameters = inspect.signature(LOSSES[method.loss].__init__).parameters.values()
    required = {
        p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is inspect._empty
    }
    assert required <= set(method.settings), f"{name}: {method.loss} needs {required}"


def test_every_setting_has_its_default_in_the_config_and_an_owner():
    owned = {setting for method in METHODS.values() for setting in method.settings}
    assert owned <= set(IMBALANCE_DEFAULTS)  # a default for each, in one place
    assert set(IMBALANCE_DEFAULTS) - PROFILE_KEYS == owned  # no orphan key


def test_settings_of_takes_the_methods_own_values_unchanged():
    values = {**IMBALANCE_DEFAULTS, "gamma": 3.5, "alpha": [1, 2], "inv_rho": 0.3}
    assert settings_of("focal", values) == {"gamma": 3.5, "alpha": [1, 2]}
    assert settings_of("none", values) == {}
    assert settings_of("two_phase", values) == {"inv_rho": 0.3, "finetune_epochs": 2}


def test_unknown_names_are_refused_naming_the_known_ones():
    with pytest.raises(KeyError, match="'smote'.*none, ros"):
        method_named("smote")
    with pytest.raises(ValueError, match="sampling"):
        Method(sampling="smote")
    with pytest.raises(ValueError, match="after_training"):
        Method(after_training="calibrate")


def test_the_config_check_loads_no_training_stack():
    # The sweeper plugin imports it when Hydra starts: neither torch nor Lightning then.
    code = (
        "import sys; import imbalance_lab.config.check; "
        "import hydra_plugins.imbalance_lab_sweeper.checked_sweeper; "
        "print(sorted(m for m in ('torch', 'pytorch_lightning', 'torchmetrics') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
