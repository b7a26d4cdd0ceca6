"""The report on run folders written by hand (.hydra/config.yaml + metrics.json): the header of
sizes, the smoke-run warning, the one-seed captions; in-process, no training."""

import json

import numpy as np
import yaml

from imbalance_lab.report.cli import main
from imbalance_lab.report.plots import caption
from imbalance_lab.report.points import grid_points
from imbalance_lab.report.runs import read_sweeps

MINORITY = [0, 1, 2, 3, 4]
WARNING = "SMOKE-SIZED RUNS"


def write_run(
    folder,
    *,
    model="cnn",
    seed=0,
    epochs=10,
    per_class=1000,
    train_size=50_000,
    overrides=(),
    newer=True,
):
    """Writes a finished run folder: every digit has per_class test images, 1% of which go
    to the digit 5 away (minority to majority and back); newer=False leaves out what runs
    before data/test_size and code/commit did not record."""
    name = f"{model}_e{epochs}_n{per_class}_s{seed}"
    (folder / name / ".hydra").mkdir(parents=True)
    config = {
        "model": {"name": model},
        "seed": seed,
        "trainer": {"max_epochs": epochs},
        "data": {"rotation": 0, "val_per_class": 400},
        "imbalance": {"rho": 10, "method": "none", "inv_rho": 1.0, "weight": 1.0},
        "optim": {"name": "adam", "lr": 0.001},
    }
    (folder / name / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    (folder / name / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(list(overrides)))
    errors = max(1, per_class // 100)
    counts = np.diag([per_class - errors] * 10)
    for digit in range(10):
        counts[digit, (digit + 5) % 10] = errors
    rate = errors / per_class
    metrics = {
        "test/acc": 1 - rate,
        "test/bal_acc": 1 - rate,
        "test/p_I_to_I": 0.0,
        "test/p_I_to_A": rate,
        "test/p_A_to_I": rate,
        "test/p_A_to_A": 0.0,
        "test/confusion_matrix": counts.tolist(),
        "minority": MINORITY,
        "train/size": train_size,
        "data/val_size": 4000,
        "model/params": 1000 if model == "cnn" else 100,
        "model/bytes": 4000 if model == "cnn" else 400,
    }
    if newer:
        metrics |= {"data/test_size": 10 * per_class, "code/commit": "abc1234567def"}
    (folder / name / "metrics.json").write_text(json.dumps(metrics))


def report(folder, out):
    assert main([str(folder), "--out", str(out)]) == 0
    return (out / "summary.md").read_text(), (out / "conclusions.md").read_text()


def test_a_smoke_sweep_gets_the_warning_box_in_summary_and_conclusions(tmp_path):
    for model in ("cnn", "rnn"):  # one seed each, 250 test images, one epoch
        write_run(tmp_path / "tiny", model=model, epochs=1, per_class=25, train_size=300)
    summary, conclusions = report(tmp_path / "tiny", tmp_path / "out")
    for text in (summary, conclusions):
        assert text.index(WARNING) < text.index("Accuracy" if text is summary else "| claim |")
        assert "250 test images (the study: 10,000)" in text
        assert "one seed per grid point" in text and "1 epoch of training" in text
    assert "| claim | verdict on smoke-sized runs (not the study's) |" in conclusions
    # The one-seed rows say their interval is Wilson, and over how many test images.
    assert "| cnn | 1 | Wilson, one seed (250 test images) | 0.9600 [0.9279, 0.9781] |" in summary


def test_a_full_size_sweep_has_a_header_and_no_warning(tmp_path):
    sweep = tmp_path / "full"
    for seed in range(3):
        for model in ("cnn", "rnn"):
            write_run(sweep, model=model, seed=seed, train_size=(50_000, 56_000)[seed % 2])
        # A grid that pins its own epochs, named in Hydra's multirun.yaml.
        write_run(sweep, epochs=5, seed=seed, overrides=["trainer.max_epochs=5"])
    grids = {"main": {"model": "cnn,rnn"}, "depth": {"trainer.max_epochs": 5, "seed": "0,1,2"}}
    (sweep / "multirun.yaml").write_text(yaml.safe_dump({"hydra": {"sweeper": {"grids": grids}}}))
    summary, conclusions = report(sweep, tmp_path / "out")
    sizes = "| 10; 5 in depth | 50,000, 56,000 | 10,000 | 4,000 | 3 | abc1234567 |"
    row = f"| `{sweep}` | 9 finished of 9 {sizes}"
    for text in (summary, conclusions):
        assert WARNING not in text
        assert row in text
    assert "| claim | verdict | on per-class rates |" in conclusions
    assert "| cnn | 10 | 3 | t over 3 seeds |" in summary


def test_older_runs_take_the_test_size_from_the_confusion_matrix(tmp_path):
    for seed in range(2):
        write_run(tmp_path / "old", seed=seed, per_class=900, newer=False)
    summary, _ = report(tmp_path / "old", tmp_path / "out")
    assert (
        "| 2 finished of 2 | 10 | 50,000 | 9,000 | 4,000 | 2 | not recorded (2 runs) |" in summary
    )
    assert WARNING in summary and "9,000 test images (the study: 10,000)" in summary


def test_captions_say_which_points_have_one_seed_and_no_error_bar(tmp_path):
    for seed in range(2):
        write_run(tmp_path / "s", seed=seed)
    write_run(tmp_path / "s", model="rnn")
    points = grid_points(read_sweeps([tmp_path / "s"]))
    assert caption(points) == (
        "error bars: 95% t-interval over 2 seeds; 1 of 2 points have one seed: no error bar; "
        "10,000 test images per run"
    )
    single = [p for p in points if p.n == 1]
    assert caption(single) == "one seed per point: no error bars; 10,000 test images per run"


def test_a_sweep_whose_every_grid_pins_its_epochs_names_them_alone(tmp_path):
    sweep = tmp_path / "pinned"
    for seed in range(3):
        write_run(sweep, seed=seed, overrides=["trainer.max_epochs=10"])
    grids = {"baseline": {"trainer.max_epochs": 10, "seed": "0,1,2"}}
    (sweep / "multirun.yaml").write_text(yaml.safe_dump({"hydra": {"sweeper": {"grids": grids}}}))
    summary, _ = report(sweep, tmp_path / "out")
    assert f"| `{sweep}` | 3 finished of 3 | 10 in baseline | 50,000 |" in summary
