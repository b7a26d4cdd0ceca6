"""check_overrides: a key or group option the project does not define, or a value its declaration
refuses, is refused in one line before Hydra makes a folder, with or without `+`; Hydra's own
keys and flags are left to Hydra. wants_help: which arguments ask for the project's help page."""

import inspect
import subprocess
import sys

import pytest
from omegaconf import OmegaConf

from imbalance_lab.cli.preflight import check_overrides, wants_help
from imbalance_lab.errors import ConfigError, UnknownKeyError

from helpers import ROOT

CONF = ROOT / "conf"


def refusal(*overrides: str) -> ConfigError:
    """Returns the ConfigError that check_overrides raises for these command-line arguments."""
    with pytest.raises(ConfigError) as caught:
        check_overrides(list(overrides), CONF)
    assert "\n" not in str(caught.value)  # one line, as train.py prints it
    return caught.value


@pytest.mark.parametrize("typed", ["imbalance.rh=100", "+imbalance.rh=100", "++imbalance.rh=100"])
def test_a_misspelt_key_is_refused_with_or_without_plus(typed):
    error = refusal(typed)
    assert isinstance(error, UnknownKeyError)
    assert str(error) == "imbalance.rh is not a config key (did you mean imbalance.rho?)"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("rho=100", "imbalance.rho"), ("lr=0.1", "optim.lr"), ("sed=1", "seed")],
)
def test_a_key_typed_without_its_node_suggests_the_full_path(typed, meant):
    assert str(refusal(typed)).endswith(f"(did you mean {meant}?)")


def test_a_misspelt_trainer_key_suggests_the_trainer_files():
    message = str(refusal("trainer.max_epoch=5"))
    assert message == (
        "trainer.max_epoch is not a config key of trainer=default (did you mean "
        "trainer.max_epochs?)"
    )


def test_any_trainer_argument_can_be_added_and_lightning_judges_it():
    # Lightning's Trainer is not imported here (seconds): run()'s stack check judges `+` keys.
    check_overrides(["+trainer.deterministic=true", "trainer.max_epochs=3"], CONF)
    check_overrides(["+trainer.max_epoch=5"], CONF)
    check_overrides(["trainer=fast", "trainer.limit_train_batches=5"], CONF)


def test_a_trainer_argument_no_file_sets_needs_its_plus_said_in_one_line():
    message = str(refusal("trainer.deterministic=true"))
    assert message == (
        "trainer.deterministic is not set by trainer=default: add it with "
        "+trainer.deterministic=true"
    )


def test_every_key_of_the_trainer_files_is_a_trainer_argument():
    # The trainer.* check takes Trainer's arguments as the keys: a YAML key that is not one
    # would be passed to Trainer(**...) and fail there.
    from pytorch_lightning import Trainer

    arguments = set(inspect.signature(Trainer.__init__).parameters)
    for path in sorted((CONF / "trainer").glob("*.yaml")):
        keys = set(OmegaConf.load(path)) - {"defaults"}
        assert keys <= arguments, f"{path.name}: {sorted(keys - arguments)}"


def test_model_keys_are_those_of_the_chosen_model():
    error = refusal("model=rnn", "model.channels_last=true")
    assert str(error) == ("model.channels_last is not a config key of model=rnn (model=cnn has it)")
    check_overrides(["model=cnn", "model.channels_last=false"], CONF)
    check_overrides(["model.channels_last=false"], CONF)  # cnn is the default
    assert "of model=cnn" in str(refusal("model.hidden_size=50"))


def test_a_key_of_only_some_swept_models_is_refused_naming_them():
    # The first job (cnn) lacks the key: its jobs would fail. A `+` adds nothing here: only a
    # Trainer argument is a new key.
    for typed in ("model.hidden_size=5", "+model.hidden_size=5", "++model.hidden_size=5"):
        assert str(refusal("-m", "model=cnn,rnn", typed)) == (
            "model.hidden_size is not a config key of model=cnn (model=rnn has it)"
        )
    check_overrides(["-m", "model=rnn", "model.hidden_size=5"], CONF)
    assert str(refusal("model=rnn", "+model.hidden_size=5")) == (
        "model.hidden_size is a config key already: drop the +"
    )


def test_an_option_without_a_file_is_refused_naming_the_options():
    for typed in (["model=mlp"], ["-m", "model=cnn,mlp"], ["-m", "model=choice(mlp,cnn)"]):
        assert str(refusal(*typed)) == (
            "model='mlp' is not allowed: one of cnn, rnn (conf/model/*.yaml)"
        )
    assert "study" in str(refusal("+experiment=studdy"))
    assert "fast" in str(refusal("trainer=fats"))


def test_sweep_syntax_is_understood():
    check_overrides(
        [
            "-m",
            "seed=0,1,2",
            "imbalance.rho=range(1,4)",
            "optim.lr=choice(0.1,0.01)",
            "model=choice(cnn,rnn)",
            "imbalance.minority=[0,1]",
            "data.rotation=interval(0,25)",
            "~trainer.num_sanity_val_steps",
        ],
        CONF,
    )
    assert "imbalance.rho" in str(refusal("-m", "imbalance.rh=range(1,4)"))
    # A group has no null option (Hydra would stop in a traceback): one line.
    assert str(refusal("experiment=null")).startswith("experiment='null' is not allowed: one of")


def test_each_value_is_checked_against_its_declaration_and_the_config_whole():
    assert str(refusal("imbalance.rho=banana")) == (
        "imbalance.rho='banana' is not allowed: a number >= 1"
    )
    # Every value of a sweep, not only the first job's.
    assert str(refusal("-m", "seed=0,-1")).startswith("seed=-1 is not allowed")
    # A rule between keys: the composed first job is checked whole.
    assert str(refusal("imbalance.method=ros", "imbalance.inv_rho=0.05")) == (
        "imbalance.inv_rho=0.05 is not allowed: a number >= 0.1 and <= 1"
    )
    # A method's own key: allowed when some method allows the value, then judged whole.
    check_overrides(["-m", "imbalance.method=posthoc", "imbalance.tau=auto,1"], CONF)


def test_hydra_keys_and_flags_are_left_to_hydra():
    check_overrides(
        [
            "-m",
            "--multirun",
            "hydra.run.dir=x",
            "hydra/launcher=parallel",
            "hydra.launcher.n_jobs=3",
            "hydra.no_such_key=1",
            "--cfg",
            "job",
            "--resolve",
            "-i",
            "defaults",
        ],
        CONF,
    )
    # A flag's value is not an override, the overrides around it still are.
    assert "imbalance.rh" in str(refusal("--cfg", "job", "imbalance.rh=1"))
    # Another primary config: its keys are not ours to know.
    check_overrides(["--config-name", "other", "imbalance.rh=1"], CONF)
    check_overrides(["-sc", "install=bash"], CONF)  # shell completion's argument


def test_an_experiment_needs_the_sweeper_that_reads_its_grids():
    error = refusal("-m", "experiment=study", "hydra/sweeper=basic")
    assert str(error).startswith("hydra/sweeper='basic' is not allowed: experiment=study ")
    assert "hydra.sweeper.grids" in str(error) and "hydra/sweeper=checked" in str(error)
    refusal("-m", "hydra/sweeper=basic", "+experiment=buda")  # either order
    check_overrides(["-m", "hydra/sweeper=basic", "seed=0,1"], CONF)
    check_overrides(["-m", "experiment=study", "hydra/sweeper=checked"], CONF)


def test_group_options_on_the_search_path_are_found(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    mnist = (CONF / "data" / "mnist.yaml").read_text()
    (data / "stripes.yaml").write_text(mnist.replace("name: mnist", "name: stripes"))
    searchpath = f"hydra.searchpath=[file://{tmp_path}]"
    check_overrides(["data=stripes", "data.batch_size=4", searchpath], CONF)
    error = refusal("data=stripes", "data.rotations=5", searchpath)
    assert str(error).startswith("data.rotations is not a config key of data=stripes")
    assert "data='stripes'" in str(refusal("data=stripes"))  # not without the search path
    # Hydra itself looks along the search path (file:// and pkg://): what it finds, it composes.
    elsewhere = refusal("data=elsewhere", "hydra.searchpath=[pkg://some.package]")
    assert str(elsewhere).startswith("data='elsewhere' is not allowed: one of mnist")


def test_every_experiment_grid_key_is_a_key():
    # The project's own experiment files: each grid as if typed after its experiment.
    grids = 0
    for path in sorted((CONF / "experiment").glob("*.yaml")):
        sweeper = OmegaConf.to_container(OmegaConf.load(path)).get("hydra", {}).get("sweeper", {})
        for grid in sweeper.get("grids", {}).values():
            typed = [f"{key}={value}" for key, value in grid.items()]
            check_overrides(["-m", f"experiment={path.stem}", *typed], CONF)
            grids += 1
    assert grids >= 9  # every experiment but study (the union of the others) has one


def test_wants_help_takes_the_projects_flags_only():
    assert wants_help(["--help"])
    assert wants_help(["seed=1", "-h"])
    assert not wants_help(["--hydra-help"])
    assert not wants_help(["seed=1", "hydra.run.dir=-h"])


def test_the_command_line_modules_import_no_torch():
    # train.py calls them before anything else: --help and a refused key stay fast.
    code = (
        "import sys; from pathlib import Path\n"
        "from imbalance_lab.cli.help import help_text\n"
        "from imbalance_lab.cli.preflight import check_overrides\n"
        "help_text(Path('conf'))\n"
        "check_overrides(['model=rnn', 'imbalance.rho=5', 'trainer.max_epochs=2'], Path('conf'))\n"
        "print(sorted({'torch', 'pytorch_lightning', 'lightning'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_refused_command_line_loads_no_training_stack():
    # train.py answers a typo before it imports torch or Lightning: a refusal costs a fraction
    # of a second, not the seconds of the training stack's import.
    code = (
        "import atexit, runpy, sys\n"
        "stack = {'torch', 'pytorch_lightning', 'lightning_fabric', 'torchmetrics'}\n"
        "atexit.register(lambda: print(sorted(stack & set(sys.modules))))\n"
        "sys.argv = ['train.py', 'imbalance.rh=1']\n"
        "runpy.run_path('train.py', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: imbalance.rh is not a config key")
    assert done.stdout.strip() == "[]"
