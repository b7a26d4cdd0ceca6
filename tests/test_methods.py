"""The method table against the loss, sampling and after-training tables and the schema: every
method's loss exists and gets every setting it needs, and every setting is the schema's."""

import inspect
import subprocess
import sys

import pytest
from omegaconf import OmegaConf

from imbalance_lab.config.schema import imbalance_settings
from imbalance_lab.imbalance.methods import METHODS, Method, method_named, settings_of
from imbalance_lab.imbalance.profiles import PROFILE_SETTINGS, PROFILES
from imbalance_lab.imbalance.sampling import SAMPLINGS
from imbalance_lab.training.after_training import AFTER_TRAINING
from imbalance_lab.training.losses import LOSSES

from helpers import compose_config


@pytest.mark.parametrize("name", METHODS)
def test_each_method_names_registered_steps_and_a_loss_that_gets_what_it_needs(name):
    method = METHODS[name]
    assert method.loss in LOSSES and method.description
    assert method.sampling in (None, *SAMPLINGS)
    assert method.after_training in (None, *AFTER_TRAINING)
    parameters = inspect.signature(LOSSES[method.loss].__init__).parameters.values()
    required = {
        p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is inspect._empty
    }
    assert required <= set(method.settings), f"{name}: {method.loss} needs {required}"


def test_every_setting_is_the_schemas_with_its_declared_default():
    defaults = OmegaConf.to_container(compose_config([], tiny=False).imbalance)
    declared = imbalance_settings()
    for method in METHODS.values():
        for key, setting in method.settings.items():
            assert defaults[key] == setting.default and key in declared
    owned = {key for method in METHODS.values() for key in method.settings}
    readers = {key for profile in PROFILES.values() for key in profile.reads}
    assert set(declared) == {"profile", "method"} | owned | set(PROFILE_SETTINGS)
    assert set(PROFILE_SETTINGS) == readers  # every profile setting is read by a profile


def test_settings_of_takes_the_methods_own_values_unchanged():
    values = OmegaConf.to_container(compose_config([], tiny=False).imbalance)
    values.update({"gamma": 3.5, "alpha": [1, 2], "inv_rho": 0.3})
    assert settings_of("focal", values) == {"gamma": 3.5, "alpha": [1, 2]}
    assert settings_of("none", values) == {}
    assert settings_of("two_phase", values) == {"inv_rho": 0.3, "finetune_epochs": 2}


def test_unknown_names_are_refused_naming_the_known_ones():
    with pytest.raises(KeyError, match="'smote'.*none, ros"):
        method_named("smote")
    with pytest.raises(ValueError, match="sampling must be None or one of over, under, power"):
        Method("random", sampling="smote")


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
