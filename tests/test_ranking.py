"""Methods ranked per shared setting, by balanced accuracy and by ROC AUC."""

from imbalance_lab.report.points import grid_points
from imbalance_lab.report.ranking import method_groups, ranking_figure, ranking_markdown
from imbalance_lab.report.runs import Run


def run(model, method, bal_acc, roc_auc, seed):
    config = {"model": model, "method": method, "rho": 10, "seed": seed}
    return Run(config=config, metrics={"test/bal_acc": bal_acc, "test/roc_auc": roc_auc})


RUNS = [
    run("cnn", "none", 0.80, 0.99, 0),
    run("cnn", "none", 0.82, 0.97, 1),
    run("cnn", "ros", 0.90, 0.95, 0),
    run("cnn", "ros", 0.92, 0.96, 1),
    run("cnn", "focal", 0.85, 0.999, 0),
    run("cnn", "focal", 0.85, 0.998, 1),
    run("cnn", "rus", 0.50, 0.50, 0),
    run("cnn", "rus", 0.50, 0.50, 1),
    run("rnn", "none", 0.70, 0.90, 0),  # the LSTM has one method only: nothing to rank
]


def test_methods_are_ranked_within_each_shared_setting(tmp_path):
    points = grid_points(RUNS)
    groups = method_groups(points)
    assert len(groups) == 1  # the CNN's four methods; the LSTM's lone method is left out
    text = ranking_markdown(points)
    by_bal, by_auc = text.split("By ROC AUC:")
    # Two seeds: mean ± t_{0.975,1} s / √2 = mean ± 12.706205 × 0.014142 / √2 = ± 0.1271.
    first = by_bal.index("| 1 | ros | 0.9100 [0.7829, 1.0371] | 2 | — |")
    assert first < by_bal.index("| 2 | focal")
    # focal's 0.85 [0.85, 0.85] lies inside ros's interval; rus's 0.50 wholly below it.
    assert "| 2 | focal | 0.8500 [0.8500, 0.8500] | 2 | not told apart |" in by_bal
    assert by_bal.index("| 2 | focal") < by_bal.index("| 3 | none | 0.8100 [0.6829, 0.9371] | 2 |")
    assert "| 4 | rus | 0.5000 [0.5000, 0.5000] | 2 | below |" in by_bal
    assert "| 1 | focal | 0.9985 [0.9921, 1.0049] | 2 | — |" in by_auc
    assert by_auc.index("| 2 | none") < by_auc.index("| 3 | ros")
    figure = ranking_figure(points, tmp_path / "ranking.png")
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_weight_1_is_no_correction_and_joins_method_none():
    # The study's sweeps: weight 1 trains what method none trains, at the same seeds.
    # Every run records imbalance.weight (1.0 by default), so all three share one setting.
    none, ros = (
        [Run({**r.config, "weight": 1.0}, r.metrics) for r in RUNS[i : i + 2]] for i in (0, 2)
    )
    weight_1 = [Run({**r.config, "method": "weighted"}, r.metrics) for r in none]
    (group,) = method_groups(grid_points([*none, *ros, *weight_1])).values()
    assert sorted((p.config["method"], p.n) for p in group) == [("none", 2), ("ros", 2)]


def test_no_ranking_without_two_methods(tmp_path):
    points = grid_points(RUNS[-1:])
    assert "No setting holds runs of two or more methods" in ranking_markdown(points)
    assert ranking_figure(points, tmp_path / "ranking.png") is None
