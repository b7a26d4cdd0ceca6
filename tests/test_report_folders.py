"""The report on run folders written by hand (.hydra/config.yaml + metrics.json), in-process
and without training: how a folder is read (its status, its fingerprint), the header of sizes,
the warning for reduced runs and the figure captions."""

import json

import yaml
from report_records import folder_config, write_run

from imbalance_lab.config.identity import fingerprint
from imbalance_lab.report.cli import main
from imbalance_lab.report.engine.points import grid_points
from imbalance_lab.report.engine.runs import read_run
from imbalance_lab.report.engine.sources import read_sources
from imbalance_lab.report.plots import caption

WARNING = "REDUCED RUNS"


def report(folder, out):
    assert main([str(folder), "--out", str(out)]) == 0
    return (out / "summary.md").read_text(), (out / "conclusions.md").read_text()


def test_read_run_tells_finished_failed_and_unfinished_apart(tmp_path):
    for name in ("done", "failed", "running"):
        (tmp_path / name / ".hydra").mkdir(parents=True)
        (tmp_path / name / ".hydra" / "config.yaml").write_text("model: {name: cnn}\nseed: 3\n")
    (tmp_path / "done" / "metrics.json").write_text('{"test/acc": 0.5, "history": [{"epoch": 1}]}')
    (tmp_path / "failed" / "error.txt").write_text("Traceback\nRuntimeError: out of memory\n")
    done, failed, running = (read_run(tmp_path / n) for n in ("done", "failed", "running"))
    assert (done.status, done.metrics, done.history) == (
        "finished",
        {"test/acc": 0.5},
        [{"epoch": 1}],
    )
    assert (failed.status, failed.error) == ("failed", "RuntimeError: out of memory")
    assert (running.status, running.config["model"], running.seed) == ("unfinished", "cnn", 3)


def test_a_run_records_the_fingerprint_of_its_config(tmp_path):
    path = write_run(tmp_path, seed=4)
    run = read_run(path)
    assert run.status == "finished"
    assert run.fingerprint == fingerprint(folder_config(seed=4))
    assert run.fingerprint == json.loads((path / "metrics.json").read_text())["config/fingerprint"]


def test_metrics_of_another_config_make_the_run_failed(tmp_path):
    # metrics.json written by the config of seed 5, .hydra/config.yaml now says seed 4: the
    # files do not belong together, and the metrics must not count as seed 4's.
    other = fingerprint(folder_config(seed=5))
    path = write_run(tmp_path, seed=4, extra={"config/fingerprint": other})
    run = read_run(path)
    assert run.status == "failed" and run.metrics == {}
    assert "fingerprint" in run.error and "config.yaml" in run.error
    # A config that differs only in a run-only key (the logger) is the same training.
    config = yaml.safe_load((path / ".hydra" / "config.yaml").read_text())
    config["logger"] = {"name": "wandb"}
    (path / ".hydra" / "config.yaml").write_text(yaml.safe_dump(config))
    (path / "metrics.json").write_text(
        json.dumps({"test/acc": 0.9, "config/fingerprint": fingerprint(folder_config(seed=4))})
    )
    assert read_run(path).status == "finished"


def test_a_reduced_sweep_gets_the_warning_box_in_summary_and_conclusions(tmp_path):
    for model in ("cnn", "rnn"):  # one seed each, 250 test images, one epoch
        write_run(tmp_path / "tiny", model=model, epochs=1, per_class=25, train_size=300)
    summary, conclusions = report(tmp_path / "tiny", tmp_path / "out")
    for text in (summary, conclusions):
        assert text.index(WARNING) < text.index("Accuracy" if text is summary else "| claim |")
        assert "250 test images (the data set's test split: 10,000)" in text
        assert "one seed per grid point" in text and "1 epoch of training" in text
    assert "| claim | verdict on reduced runs (not the study's) | how |" in conclusions
    # The one-seed rows say their interval is Wilson (240 of 250), and over how many images.
    assert "| cnn | 1 | Wilson, one seed (250 test images) | 0.9600 [0.9279, 0.9781] |" in summary


def test_a_folder_of_new_seeds_beside_older_ones_is_not_a_one_seed_sweep(tmp_path):
    for model in ("cnn", "rnn"):  # each folder: one seed per grid point, full size
        for seed in (0, 1):
            write_run(tmp_path / "old", model=model, seed=seed)
        write_run(tmp_path / "new", model=model, seed=2)
    assert main([str(tmp_path / "old"), str(tmp_path / "new"), "--out", str(tmp_path / "o")]) == 0
    summary = (tmp_path / "o" / "summary.md").read_text()
    assert WARNING not in summary and "one seed per grid point" not in summary
    assert summary.count("| 3 | ") >= 2  # both folders' points hold 3 seeds in this report
    # Alone, the new folder is a one-seed sweep.
    alone, _ = report(tmp_path / "new", tmp_path / "o2")
    assert WARNING in alone and "one seed per grid point" in alone


def test_the_warning_names_the_data_sets_own_test_split(tmp_path):
    # A data set of 2,000 test images, tested whole: no warning (not MNIST's 10,000).
    split = {"data/name": "other", "data/test_split_size": 2_000}
    for seed in range(3):
        write_run(tmp_path / "whole", seed=seed, per_class=200, extra=split)
    summary, _ = report(tmp_path / "whole", tmp_path / "out")
    assert WARNING not in summary and "| 2,000 |" in summary
    # Half of it tested (trainer.limit_test_batches): reduced, against its 2,000.
    for seed in range(3):
        write_run(tmp_path / "half", seed=seed, per_class=100, extra=split)
    summary, _ = report(tmp_path / "half", tmp_path / "out2")
    assert "1,000 test images (the data set's test split: 2,000)" in summary
    assert "reduced run: 1,000 of 2,000 test images" in summary


def test_a_run_that_trained_a_slice_is_reduced(tmp_path):
    cut = {"train/images_per_epoch": 256, "train/size": 750}
    for seed in range(3):
        write_run(tmp_path / "s", seed=seed, extra=cut)
    summary, _ = report(tmp_path / "s", tmp_path / "out")
    assert "3 reduced runs, e.g. reduced run: 256 of 750 training images per epoch" in summary
    assert "| 256 | 10,000 |" in summary  # the images it trained on, not the planned 750


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
    columns = "| claim | verdict | how | seeds | seeds to decide | on per-class rates |"
    assert columns in conclusions
    assert "| cnn | 10 | 3 | t over 3 seeds |" in summary


def test_older_runs_take_the_test_size_from_the_confusion_matrix(tmp_path):
    for seed in range(2):
        write_run(tmp_path / "old", seed=seed, per_class=900, newer=False)
    summary, _ = report(tmp_path / "old", tmp_path / "out")
    assert (
        "| 2 finished of 2 | 10 | 50,000 | 9,000 | 4,000 | 2 | not recorded (2 runs) |" in summary
    )
    assert WARNING in summary
    assert "9,000 test images (the data set's test split: 10,000)" in summary


def test_captions_say_which_points_have_one_seed_and_no_error_bar(tmp_path):
    for seed in range(2):
        write_run(tmp_path / "s", seed=seed)
    write_run(tmp_path / "s", model="rnn")
    points = grid_points(read_sources([tmp_path / "s"]))
    assert caption(points) == (
        "error bars: 95% t-interval over 2 seeds; 1 of 2 points have one seed: no error bar; "
        "10,000 test images per run"
    )
    single = [p for p in points if p.n == 1]
    assert caption(single) == "one seed per point: no error bars; 10,000 test images per run"


def test_captions_mark_reduced_runs(tmp_path):
    cut = {"data/test_size": 1_000, "data/test_split_size": 10_000}
    for seed in range(2):
        write_run(tmp_path / "s", seed=seed, extra=cut)
    points = grid_points(read_sources([tmp_path / "s"]))
    assert caption(points) == (
        "error bars: 95% t-interval over 2 seeds; REDUCED RUNS (2), e.g. 1,000 of 10,000 test "
        "images"
    )


def test_a_sweep_whose_every_grid_pins_its_epochs_names_them_alone(tmp_path):
    sweep = tmp_path / "pinned"
    for seed in range(3):
        write_run(sweep, seed=seed, overrides=["trainer.max_epochs=10"])
    grids = {"baseline": {"trainer.max_epochs": 10, "seed": "0,1,2"}}
    (sweep / "multirun.yaml").write_text(yaml.safe_dump({"hydra": {"sweeper": {"grids": grids}}}))
    summary, _ = report(sweep, tmp_path / "out")
    assert f"| `{sweep}` | 3 finished of 3 | 10 in baseline | 50,000 |" in summary
