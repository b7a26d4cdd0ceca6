"""Value-based sweepers: with optimized_metric, train.py returns that validation metric as a
float. A real Optuna sweep (the shipped preset, hydra/sweeper=tune_weight) end to end, and the
project's own sweeper keeping its statuses, skips and table with it."""

import json
import pickle

import yaml

from imbalance_lab.cli.outcome import JobOutcome

from helpers import TINY, train


def test_a_real_optuna_sweep_tunes_the_weight_on_validation(tmp_path):
    sweep = tmp_path / "sweep"
    done = train(
        [
            "-m",
            "hydra/sweeper=tune_weight",
            *TINY,
            "model=rnn",
            "hydra.sweeper.n_trials=3",
            f"hydra.sweep.dir={sweep}",
        ]
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    trials = [
        (
            yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text()),
            json.loads((job / "metrics.json").read_text()),
        )
        for job in sorted(p for p in sweep.iterdir() if p.is_dir())
    ]
    assert len(trials) == 3
    # Every trial trained the weighted loss; the best value is the best trial's validation
    # balanced accuracy, and its weight is the best parameter.
    assert all("imbalance.method=weighted" in overrides for overrides, _ in trials)
    best_overrides, best_metrics = max(trials, key=lambda t: t[1]["val/bal_acc"])
    assert result["best_value"] == best_metrics["val/bal_acc"]
    weight = result["best_params"]["imbalance.weight"]
    assert f"imbalance.weight={weight}" in best_overrides
    assert 1 <= weight <= 50
    # Quiet, plain and closing with what was found and where: no ANSI colour codes (Optuna's own
    # handler), no setup lines of Optuna's SQL plugins, and one last line on stdout.
    output = done.stdout + done.stderr
    assert "\x1b[" not in output and "setup plugin" not in output
    assert done.stdout.strip().splitlines()[-1] == (
        f"best value {result['best_value']:.4g} at imbalance.weight={weight:.4g}; "
        f"sweep folder: {sweep} (its trials, and optimization_results.yaml)"
    )


def test_the_project_sweeper_keeps_statuses_and_table_with_a_float_result(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["-m", *TINY, "model=rnn", "seed=0,1", "optimized_metric=val/acc"]
    first = train([*args, f"hydra.sweep.dir={sweep}"])
    assert first.returncode == 0, first.stderr[-3000:]
    assert "2 jobs finished, 0 skipped" in first.stdout + first.stderr
    again = train([*args, f"hydra.sweep.dir={sweep}"])
    assert "0 jobs finished, 2 skipped" in again.stdout + again.stderr
    table = again.stdout
    assert "seed=0" in table and "seed=1" in table and f"sweep folder: {sweep}" in table


def test_a_test_metric_is_refused_as_what_to_optimise(tmp_path):
    done = train([*TINY, "optimized_metric=test/acc", f"hydra.run.dir={tmp_path / 'run'}"])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: optimized_metric='test/acc' is not allowed: null or a val/ metric: a setting "
        "is never chosen by its test score"
    ]
    assert not (tmp_path / "run").exists()


def test_the_outcome_is_a_float_that_survives_pickling():
    outcome = JobOutcome(0.75, "skipped")
    back = pickle.loads(pickle.dumps(outcome))  # joblib and submitit pickle return values
    assert float(back) == 0.75 and back.status == "skipped" and isinstance(back, float)
