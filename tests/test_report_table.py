"""runs.csv as a source (engine/table.py, engine/sources.py): written from run folders, read
back as the same runs; a run seen twice (a table row and a folder) counted once
(engine/points.py), and the header saying so (header.repeat_lines)."""

import csv

import pytest
from report_records import confusion, folder_config, record, write_run

from imbalance_lab.config.identity import fingerprint
from imbalance_lab.report.cli import main
from imbalance_lab.report.engine.points import agree, grid_points, varying_keys
from imbalance_lab.report.engine.runs import ReportError, read_run
from imbalance_lab.report.engine.sources import read_sources
from imbalance_lab.report.engine.table import read_runs_table, runs_table
from imbalance_lab.report.header import repeat_lines
from imbalance_lab.report.text import write_csv

# What metrics.json holds beyond write_run's: lists, text, a bool, an int, a curve of two
# metrics with 6 decimals (as run() logs them).
EXTRA = {
    "data/class_counts": [5000, 5000, 5000, 5000, 5000, 500, 500, 500, 500, 500],
    "train/class_counts": [4600, 4600, 4600, 4600, 4600, 460, 460, 460, 460, 460],
    "code/commit": "182c0cf9f94fe8a58347f1a1f2be4567bd5124a6+dirty",
    "train/cuda_graph": False,
    "train/batches_per_epoch": 196,
    "test/roc_auc": 0.999123,
    "history": [
        {"epoch": 1, "val/acc": 0.981234, "val/bal_acc": 0.979, "train/loss": 0.2},
        {"epoch": 2, "val/acc": 0.985, "val/bal_acc": 0.984321, "train/loss": 0.1},
    ],
}


def write_table(runs, path):
    """Returns path, where it wrote runs.csv of the runs as the report writes it."""
    return write_csv(path, runs_table(runs, varying_keys([r.config for r in runs])))


def sweep(folder, seeds=(0, 1), model="cnn"):
    """Returns the runs of finished run folders written below folder."""
    for seed in seeds:
        write_run(folder, seed=seed, model=model, extra=EXTRA)
    return read_sources([folder])


def test_a_runs_table_reads_back_as_the_runs_it_was_written_from(tmp_path):
    sweep(tmp_path / "sweep")
    sweep(tmp_path / "sweep", (0,), model="rnn")
    (tmp_path / "sweep" / "unfinished" / ".hydra").mkdir(parents=True)
    (tmp_path / "sweep" / "unfinished" / ".hydra" / "config.yaml").write_text("seed: 9\n")
    runs = read_sources([tmp_path / "sweep"])
    back = read_runs_table(write_table(runs, tmp_path / "runs.csv"))
    assert len(back) == len(runs) == 4
    for run, copy in zip(runs, back, strict=True):
        assert copy.config == run.config
        assert copy.fingerprint == run.fingerprint
        assert (copy.status, copy.seed, copy.sweep) == (run.status, run.seed, "sweep")
        assert str(copy.path) == run.path.name
        if run.status != "finished":
            assert copy.metrics == {} and copy.history == []
            continue
        assert copy.metrics == {k: v for k, v in run.metrics.items() if v is not None}
        assert copy.metrics["data/class_counts"] == EXTRA["data/class_counts"]
        assert copy.metrics["minority"] == [0, 1, 2, 3, 4]
        assert copy.metrics["test/confusion_matrix"] == confusion()
        assert copy.metrics["train/cuda_graph"] is False
        assert copy.metrics["code/commit"] == EXTRA["code/commit"]
        assert copy.curve("val/acc") == [0.981234, 0.985]
        assert copy.curve("val/bal_acc") == [0.979, 0.984321]
    assert back[0].fingerprint == fingerprint(folder_config(seed=0))


def test_the_table_carries_each_runs_fingerprint(tmp_path):
    runs = sweep(tmp_path / "sweep")
    with write_table(runs, tmp_path / "runs.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert [row["fingerprint"] for row in rows] == [
        fingerprint(folder_config(seed=s)) for s in (0, 1)
    ]


def test_a_table_without_the_config_column_is_refused_in_one_line(tmp_path):
    old = tmp_path / "runs.csv"
    old.write_text("sweep,run,status,model,seed,test/acc\nstudy,0_x,finished,cnn,0,0.99\n")
    with pytest.raises(ReportError) as raised:
        read_runs_table(old)
    message = str(raised.value)
    assert "\n" not in message and str(old) in message and "'config' column" in message
    assert main([str(old), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_sources_mix_a_table_and_folders(tmp_path):
    table = write_table(sweep(tmp_path / "old"), tmp_path / "runs.csv")
    new = sweep(tmp_path / "new", (2, 3))
    assert [r.seed for r in new] == [2, 3]
    runs = read_sources([table, tmp_path / "new"])
    assert [(r.seed, r.source) for r in runs] == [
        (0, table),
        (1, table),
        (2, tmp_path / "new"),
        (3, tmp_path / "new"),
    ]
    [point] = grid_points(runs)
    assert point.seeds == [0, 1, 2, 3] and point.repeats == []
    with pytest.raises(ReportError, match="neither a folder nor a runs table"):
        read_sources([tmp_path / "missing.txt"])


def test_a_run_in_a_table_and_a_folder_counts_once_and_keeps_the_richer_copy(tmp_path):
    runs = sweep(tmp_path / "sweep")
    for run in runs:  # the table's copy without the confusion matrix and the history
        del run.metrics["test/confusion_matrix"]
        run.history = []
    table = write_table(runs, tmp_path / "runs.csv")
    both = read_sources([table, tmp_path / "sweep"])
    assert len(both) == 4
    [point] = grid_points(both)
    assert point.n == 2
    assert all(run.source == tmp_path / "sweep" for run in point.runs)
    assert [(kept.source, dropped.source) for kept, dropped in point.repeats] == [
        (tmp_path / "sweep", table)
    ] * 2
    assert all(agree(kept, dropped) for kept, dropped in point.repeats)
    [line] = repeat_lines([point])
    assert line.startswith("2 runs appeared twice") and "all agree bit for bit" in line


def test_copies_that_disagree_are_counted_and_said(tmp_path):
    runs = sweep(tmp_path / "sweep")
    table = write_table(runs, tmp_path / "runs.csv")
    folder_run = read_run(runs[1].path)
    folder_run.metrics["test/acc"] = 0.5
    table_runs = read_runs_table(table)
    [point] = grid_points([*table_runs, folder_run])
    kept, dropped = point.repeats[0]
    assert kept is table_runs[1]  # both recorded as much: the first seen is kept
    assert not agree(kept, dropped)
    assert agree(table_runs[0], read_run(runs[0].path))
    [line] = repeat_lines([point])
    assert line.startswith("1 run appeared twice") and "1 disagree" in line
    assert repeat_lines(grid_points(table_runs)) == []


def test_the_report_lists_a_repeated_run_once(tmp_path):
    table = write_table(sweep(tmp_path / "sweep"), tmp_path / "runs.csv")
    assert main([str(table), str(tmp_path / "sweep"), "--out", str(tmp_path / "out")]) == 0
    with (tmp_path / "out" / "runs.csv").open() as stream:
        assert len(list(csv.DictReader(stream))) == 2
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "2 runs appeared twice" in summary and "all agree bit for bit" in summary


def test_a_setting_another_method_owns_does_not_split_a_training():
    # Method none reads no imbalance.weight: runs of two sweeps that differ only there (their
    # fingerprints differ) trained the same model, one per seed.
    found = grid_points([record(0, weight=1), record(1, weight=1), record(0, weight=5)])
    [point] = found
    assert point.n == 2 and "weight" not in point.config
    [(kept, dropped)] = point.repeats
    assert (kept.config["weight"], dropped.config["weight"]) == (1, 5)
    assert kept.fingerprint != dropped.fingerprint
    # Weighted loss reads it: two settings.
    weighted = [record(0, method="weighted", weight=w) for w in (1, 5)]
    assert sorted(p.config["weight"] for p in grid_points(weighted)) == [1, 5]
