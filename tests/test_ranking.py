"""The methods' ranking (claims/methods.py, ranking.py) on hand-made records: in each setting
several methods share, every method against none and against the method best on validation,
paired by seed, with Holm's correction over the methods of that setting alone."""

import pytest
from report_records import points, seeds

from imbalance_lab.report.claims.methods import method_groups, rank
from imbalance_lab.report.engine import inference
from imbalance_lab.report.engine.verdicts import CONTRADICTS, OPEN, SUPPORTS
from imbalance_lab.report.ranking import ranking_figure, ranking_markdown
from imbalance_lab.report.verdict_text import p_text

pytestmark = pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
# Test balanced accuracy per seed (0, 1, 2) and validation balanced accuracy of the CNN's
# methods at rho 10. Focal is best on validation, ROS best on test.
BAL = {
    "none": [0.80, 0.82, 0.81],
    "ros": [0.90, 0.90, 0.92],
    "focal": [0.83, 0.81, 0.84],
    "rus": [0.50, 0.52, 0.51],
}
VAL = {"none": 0.90, "ros": 0.95, "focal": 0.96, "rus": 0.60}


def cnn_runs():
    """Returns the CNN's four methods at three seeds each."""
    return [
        run
        for method, bal in BAL.items()
        for run in seeds(method=method, acc=bal, val_bal=VAL[method])
    ]


def lstm_runs():
    """Returns the LSTM's none and ROS (ROS above none by 0.05, 0.04, 0.06)."""
    none = seeds(model="rnn", acc=[0.70, 0.71, 0.69])
    return none + seeds(model="rnn", method="ros", acc=[0.75, 0.75, 0.75], val_bal=0.9)


def test_every_method_is_compared_with_none_holm_over_the_setting():
    [group] = rank(points(cnn_runs()))
    assert [p.config["method"] for p in group.points] == ["ros", "focal", "none", "rus"]
    comparisons = {c.label: c for c in group.versus_none.comparisons}
    assert list(comparisons) == ["ros", "focal", "rus"]
    raw = {m: inference.paired(BAL[m], BAL["none"]).p for m in comparisons}
    adjusted = inference.holm(list(raw.values()))
    for (method, comparison), p in zip(comparisons.items(), adjusted, strict=True):
        assert comparison.result.p == pytest.approx(raw[method])
        assert comparison.p_adjusted == pytest.approx(p)
    # ROS − none: 0.10, 0.08, 0.11; focal − none: 0.03, −0.01, 0.03 (t = 1.25); rus: −0.30.
    assert comparisons["ros"].result.estimate == pytest.approx(0.29 / 3)
    outcomes = [c.outcome for c in comparisons.values()]
    assert outcomes == [SUPPORTS, OPEN, CONTRADICTS]


def test_every_method_is_compared_with_the_best_on_validation():
    [group] = rank(points(cnn_runs()))
    assert group.best.config["method"] == "focal"  # not ROS, the best on test
    comparisons = {c.label: c for c in group.versus_best.comparisons}
    assert list(comparisons) == ["ros", "none", "rus"]
    # focal − ROS: −0.07, −0.09, −0.08: the best on validation lies below ROS on test.
    assert comparisons["ros"].result.estimate == pytest.approx(-0.08)
    assert [c.outcome for c in comparisons.values()] == [CONTRADICTS, OPEN, SUPPORTS]


def test_holm_runs_over_the_methods_of_one_setting_not_every_setting():
    alone = rank(points(lstm_runs()))[0].versus_none.comparisons[0]
    groups = rank(points(cnn_runs(), lstm_runs()))
    lstm = next(g for g in groups if dict(g.context)["model"] == "rnn")
    assert lstm.versus_none.comparisons[0].p_adjusted == alone.p_adjusted == alone.result.p


def test_the_page_says_above_below_or_not_told_apart():
    text = ranking_markdown(points(cnn_runs()))
    rows = {line.split(" | ")[1]: line for line in text.splitlines() if line.startswith("| ")}
    assert rows["ros"].startswith("| 1 | ros | 0.9067 [")
    ros_p = 2 * inference.paired(BAL["ros"], BAL["none"]).p  # second smallest of three
    assert f"| {p_text(ros_p)} | above none |" in rows["ros"]
    assert rows["ros"].endswith("| above the best |")
    # Focal − none (0.0167, s = 0.0231) undecided: the seeds that would likely (80%) tell it
    # apart at the family's strictest level, 0.05 / 3, whatever the other methods' outcomes.
    focal = inference.paired(BAL["focal"], BAL["none"])
    k = inference.seeds_needed(
        lambda n: inference.t_power(focal.estimate, focal.sd, n, inference.ALPHA / 3)
    )
    assert rows["focal"].endswith(f"| not told apart (~{k} seeds) | — | — | — |")
    assert "| — | — | — |" in rows["none"] and "not told apart" in rows["none"]
    assert "| below none |" in rows["rus"] and rows["rus"].endswith("| below the best |")
    assert "Best on validation: focal." in text
    assert "2 of 3 methods told apart from none at these seeds; the others would" in text


def test_an_undecided_method_names_its_seeds_whatever_the_others_outcomes():
    # Methods that own no setting of BASE (so the grouping alone is tested here): focal −
    # none undecided, logit_adjusted − none −0.30 (below none). The seeds focal would need
    # are those at the family's strictest level, 0.05 / 2.
    runs = seeds(acc=BAL["none"]) + seeds(method="focal", acc=BAL["focal"])
    runs += seeds(method="logit_adjusted", acc=BAL["rus"])
    [group] = rank(points(runs))
    focal, adjusted = group.versus_none.comparisons
    assert (focal.outcome, adjusted.outcome) == (OPEN, CONTRADICTS)
    result = focal.result
    k = inference.seeds_needed(
        lambda n: inference.t_power(result.estimate, result.sd, n, inference.ALPHA / 2)
    )
    assert k is not None and focal.seeds == k
    assert f"| not told apart (~{k} seeds) |" in ranking_markdown(points(runs))


def test_weight_1_is_no_correction_and_joins_method_none():
    # Weight 1 trains what method none trains, at the same seeds: one method, not two.
    runs = seeds(acc=[0.80, 0.82, 0.81]) + seeds(method="weighted", weight=1, acc=0.5)
    runs += seeds(method="ros", acc=[0.90, 0.90, 0.92])
    [group] = method_groups(points(runs)).values()
    assert sorted((p.config["method"], p.n) for p in group) == [("none", 3), ("ros", 3)]
    [comparison] = rank(points(runs))[0].versus_none.comparisons
    assert comparison.result.estimate == pytest.approx(0.29 / 3)  # against none's, not 0.5


def test_the_figure_is_drawn_and_nothing_is_ranked_without_two_methods(tmp_path):
    figure = ranking_figure(points(cnn_runs()), tmp_path / "ranking.png")
    assert figure.read_bytes()[:4] == b"\x89PNG"
    alone = points(seeds(model="rnn"))
    assert "No setting holds runs of two or more methods" in ranking_markdown(alone)
    assert ranking_figure(alone, tmp_path / "none.png") is None


def test_one_method_at_two_of_its_settings_is_ranked_twice_under_names_that_say_which():
    runs = seeds(method="none", acc=[0.80, 0.82, 0.81])
    runs += seeds(method="ros", inv_rho=0.5, acc=[0.85, 0.86, 0.85], val_bal=0.9)
    runs += seeds(method="ros", inv_rho=1.0, acc=[0.90, 0.90, 0.92], val_bal=0.95)
    (group,) = rank(points(runs))
    labels = [c.label for c in group.versus_none.comparisons]
    assert sorted(labels) == ["ros (inv_rho=0.5)", "ros (inv_rho=1)"]
    assert "| ros (inv_rho=1) |" in ranking_markdown(points(runs))
    # Two settings of one method alone are no ranking of methods.
    assert method_groups(points(runs[3:])) == {}
