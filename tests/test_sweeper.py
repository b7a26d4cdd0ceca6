"""The sweeper's job list: named grids run one after the other, shared points once, and the
command line winning over hydra.sweeper.params, which wins over a grid."""

from types import SimpleNamespace

from hydra import compose, initialize_config_dir
from hydra.core.plugins import Plugins
from omegaconf import OmegaConf

from imbalance_lab.imbalance.methods import METHODS

from helpers import CONF_DIR

SWEEPER = "hydra_plugins.imbalance_lab_sweeper.checked_sweeper.CheckedSweeper"


def jobs_of(grids, arguments=(), params=None):
    # The class as Hydra loaded it: its plugin scan executes the plugin modules (and its own
    # BasicSweeper's) afresh, so an imported copy would not match.
    sweeper = Plugins.instance().class_name_to_class[SWEEPER](params=params, grids=grids)
    sweeper.hydra_context = SimpleNamespace(config_loader=None)  # parsing needs no loader
    return [sorted(job) for job in sweeper.list_jobs(list(arguments))]


def test_grids_run_one_after_the_other_and_shared_points_once():
    grids = {
        "baseline": {"model": "cnn,rnn", "imbalance.rho": 1},
        "effect": {"model": "cnn,rnn", "imbalance.rho": "1,10"},
    }
    jobs = jobs_of(grids)
    assert jobs == [
        ["imbalance.rho=1", "model=cnn"],
        ["imbalance.rho=1", "model=rnn"],
        ["imbalance.rho=10", "model=cnn"],  # rho=1 of "effect" already ran in "baseline"
        ["imbalance.rho=10", "model=rnn"],
    ]


def test_command_line_wins_over_params_which_win_over_the_grid():
    grids = {"ros": {"model": "cnn,rnn", "seed": "0,1,2", "data.rotation": 25}}
    jobs = jobs_of(grids, arguments=["seed=7"], params={"data.rotation": "0"})
    assert jobs == [
        ["data.rotation=0", "model=cnn", "seed=7"],
        ["data.rotation=0", "model=rnn", "seed=7"],
    ]


def test_the_study_is_the_union_of_its_experiments():
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose("train", ["experiment=study"], return_hydra_config=True)
    grids = OmegaConf.to_container(cfg.hydra.sweeper.grids)
    assert set(grids) == {
        "baseline",
        "imbalance_effect",
        "ros",
        "ros_no_aug",
        "weighted",
        "optim_depth",
    }
    # 10 + 18 + 30 + 30 + 60 + 36 jobs: the baselines (all 60,000 images, 5 seeds) share no
    # point with imbalance_effect's rho 1 (50,000 images, a validation split).
    assert len(jobs_of(grids)) == 184


def test_the_methods_and_buda_experiments_hold_their_grids():
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        methods = compose("train", ["experiment=methods"], return_hydra_config=True)
        buda = compose("train", ["experiment=buda"], return_hydra_config=True)
    methods_jobs = jobs_of(OmegaConf.to_container(methods.hydra.sweeper.grids))
    buda_jobs = jobs_of(OmegaConf.to_container(buda.hydra.sweeper.grids))
    assert len(methods_jobs) == 12 * 2 * 2 * 3  # methods x rho x models x seeds
    assert len(buda_jobs) == 5 * 3 * 3 * 3  # methods x rho x mu x seeds
    methods_named = {o.split("=")[1] for job in methods_jobs for o in job if "method=" in o}
    assert methods_named == set(METHODS)  # every method the config check allows
