"""The study's claims about the two models: section 4.2 (the LSTM is more parameter-efficient;
the CNN's error is lower) and section 4.3 (the LSTM needs lr >= 0.01 to reach 95%, the CNN one
epoch at 0.01: judged with SGD, which the section's numbers suggest, and with Adam, the
default, since the study names no optimizer); and which runs stand for the study's baselines."""

from __future__ import annotations

from imbalance_lab.metrics.names import TEST_ACC
from imbalance_lab.report.claims.study_settings import usual_training
from imbalance_lab.report.engine.measures import combine, metric, per_run
from imbalance_lab.report.engine.points import Point, find, group_by
from imbalance_lab.report.engine.verdicts import Verdict, against, exactly, judge, versus
from imbalance_lab.report.labels import describe

TARGET_ACC = 0.95  # section 4.3: "an accuracy of > 95%"
ACCURACY_RANGE = (0.0, 1.0)  # an accuracy's interval is cut to it
# "More parameter-efficient" needs comparable accuracy; the study calls the LSTM so at 1.9
# times the CNN's error (0.85% against 1.61%), so the criterion here is the study's own
# reading: the LSTM's error at most twice the CNN's, with fewer parameters.
COMPARABLE_ERROR = 2.0
# The study's baselines were trained on "the original dataset": every training image, no
# validation split taken out (experiment=baseline); without such runs, any balanced ones.
ORIGINAL = {"imbalance.profile": "original", "data.val_per_class": 0}
BALANCED = {"rho": 1, "method": "none", "rotation": 0}


def matches(config: dict, wanted: dict) -> bool:
    """Returns whether the config holds every (key, value) of wanted."""
    return all(config.get(k) == v for k, v in wanted.items())


def baseline_points(points: list[Point]) -> tuple[list[Point], str]:
    """Returns the points that stand for the study's baselines (original data set, no
    correction, no rotation, trained like most runs) and a line saying how they were chosen."""
    balanced = [p for p in usual_training(points) if matches(p.config, BALANCED)]
    balanced = [p for p in balanced if "partition" not in p.config]
    original = [p for p in balanced if matches(p.config, ORIGINAL)]
    if original:
        return original, "original data set (experiment=baseline: profile original, ρ=1, no val)"
    return balanced, (
        "no run on the original data set (imbalance.profile=original, data.val_per_class=0): "
        "balanced runs instead (ρ=1, no correction, no rotation)"
    )


def model_pair(points: list[Point]) -> tuple[dict[str, Point] | None, str]:
    """Returns ({'cnn': point, 'rnn': point}) of one setting run with both models (a baseline
    when there is one; else the setting with the most runs), and which setting it is."""
    chosen, how = baseline_points(points)
    for candidates in (chosen, usual_training(points)):
        pairs = []
        for group in group_by(candidates, ("model",)).values():
            models = {p.config.get("model"): p for p in group}
            if {"cnn", "rnn"} <= set(models):
                pairs.append({m: models[m] for m in ("cnn", "rnn")})
        if pairs:
            pair = max(pairs, key=lambda m: m["cnn"].n + m["rnn"].n)
            config = pair["cnn"].config
            where = describe([(k, config[k]) for k in ("method", "rho", "rotation") if k in config])
            return pair, f"{how if candidates is chosen else 'a setting run with both'} ({where})"
    return None, "no setting run with both the CNN and the LSTM"


def error(point: Point):
    """Returns the point's test error (1 − accuracy) per seed."""
    return combine("test error", lambda a: 1 - a, metric(point, TEST_ACC))


def parameter_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'the LSTM is more parameter-efficient than the CNN'."""
    claim = "Section 4.2: the LSTM is more parameter-efficient than the CNN"
    study = "the LSTM is more parameter-efficient: 524 KB against the CNN's 6,322 KB"
    rule = (
        "the LSTM has fewer parameters (exact), and its test error is at most "
        f"{COMPARABLE_ERROR:g} × the CNN's (paired t over seeds of {COMPARABLE_ERROR:g} × CNN "
        "error − LSTM error): the study's own criterion, which called the LSTM efficient at "
        "1.9 × the CNN's error"
    )
    family = "the two comparisons (Holm)"
    pair, where = model_pair(points)
    if pair is None:
        return judge(claim, study, rule, family, [])
    params = {m: p.mean("model/params") for m, p in pair.items()}
    bound = combine("", lambda e: COMPARABLE_ERROR * e, error(pair["cnn"]))
    comparisons = [
        exactly(
            params["cnn"],
            params["rnn"],
            "greater",
            f"{where}: parameters, CNN {params['cnn']:,.0f} > LSTM {params['rnn']:,.0f}",
        ),
        versus(
            bound,
            error(pair["rnn"]),
            "greater",
            f"{where}: {COMPARABLE_ERROR:g} × CNN error > LSTM error",
        ),
    ]
    return judge(claim, study, rule, family, comparisons)


def error_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'the CNN's test error is below the LSTM's' (the study: 2/3)."""
    claim = "Section 4.2: the CNN's test error is below the LSTM's"
    study = "the CNN's error rate is about 2/3 of the RNN's (0.85% against 1.61%)"
    rule = "the LSTM's test error above the CNN's, at the baseline setting (paired t over seeds)"
    pair, where = model_pair(points)
    comparisons = []
    if pair:
        comparisons.append(
            versus(
                error(pair["rnn"]),
                error(pair["cnn"]),
                "greater",
                f"{where}: LSTM error > CNN error",
            )
        )
    return judge(claim, study, rule, "one comparison", comparisons)


def first_epoch(run) -> float | None:
    """Returns the run's validation accuracy after its first epoch."""
    curve = run.curve()
    return curve[0] if curve else None


def best_epoch(run) -> float | None:
    """Returns the run's best validation accuracy over its epochs."""
    curve = run.curve()
    return max(curve) if curve else None


def depth_claim(points: list[Point], optimizer: str) -> Verdict:
    """Returns the verdict on section 4.3 with one optimizer: the CNN at lr 0.01 passes 95%
    validation accuracy after epoch 1; the LSTM's best epoch stays below 95% at lr 0.001 and
    passes it at every lr >= 0.01."""
    name = "SGD (momentum 0.9)" if optimizer == "sgd" else "Adam, the default optimizer"
    claim = f"Section 4.3: the LSTM needs lr ≥ 0.01 to reach 95%; the CNN 1 epoch at 0.01 ({name})"
    study = "the LSTM needs lr ≥ 0.01 to pass 95% within 10 epochs; the CNN passes in 1 at 0.01"
    rule = (
        f"with {name}, balanced data (experiment=optim_depth): the CNN's validation accuracy "
        f"after epoch 1 at lr 0.01 above {TARGET_ACC:.0%}; the LSTM's best epoch below "
        f"{TARGET_ACC:.0%} at lr < 0.01 and above it at each lr ≥ 0.01 (one-sample t over seeds "
        "against 0.95). The study names no optimizer; this verdict assumes this one"
    )
    family = "every comparison of this optimizer (Holm)"
    chosen = sorted(
        find(points, optimizer=optimizer, rho=1, method="none"),
        key=lambda p: (str(p.config.get("model")), float(p.config.get("lr", 0))),
    )
    chosen = [p for p in chosen if any(r.history for r in p.runs) and "partition" not in p.config]
    comparisons = []
    for point in chosen:
        model, lr = point.config.get("model"), float(point.config.get("lr", 0))
        where = f"{describe([('model', model)])}, lr {lr:g}"
        if model == "cnn" and abs(lr - 0.01) < 1e-12:
            after_one = per_run(point, first_epoch, "validation accuracy after epoch 1")
            comparisons.append(
                against(
                    after_one,
                    TARGET_ACC,
                    "greater",
                    f"{where}: after epoch 1 above 95%",
                    bounds=ACCURACY_RANGE,
                )
            )
        elif model == "rnn":
            best = per_run(point, best_epoch, "best validation accuracy")
            expect = "greater" if lr >= 0.01 * (1 - 1e-9) else "less"
            said = "above" if expect == "greater" else "below"
            epochs = point.config.get("epochs", "?")
            comparisons.append(
                against(
                    best,
                    TARGET_ACC,
                    expect,
                    f"{where}: best of {epochs} epochs {said} 95%",
                    bounds=ACCURACY_RANGE,
                )
            )
    return judge(claim, study, rule, family, comparisons)
