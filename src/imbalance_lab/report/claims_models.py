"""The study's claims about the two models: section 4.2 (the LSTM is more parameter-efficient;
the CNN's error is lower) and section 4.3 (SGD: the LSTM needs lr >= 0.01, the CNN one epoch);
and which runs stand for the study's baselines."""

from __future__ import annotations

import math

from imbalance_lab.report.labels import describe, labels
from imbalance_lab.report.points import Point, group_by, usual_training
from imbalance_lab.report.stats import Interval
from imbalance_lab.report.text import number, with_interval
from imbalance_lab.report.verdicts import (
    FAILS,
    HOLDS,
    NO_DATA,
    UNDECIDED,
    Verdict,
    check,
    combine,
    no_data,
)

ACC = "test/acc"
TARGET_ACC = 0.95  # section 4.3: "an accuracy of > 95%"
# "Comparable accuracy" for parameter efficiency: the LSTM's test error at most this many times
# the CNN's (the study: 1.61% against 0.85%, 1.9 times, for 1/12 of the parameters).
COMPARABLE_ERROR = 2.0
# The study's baselines were trained on "the original dataset": every training image, no
# validation split taken out (experiment=baseline); without such runs, any balanced ones.
ORIGINAL = {"imbalance.profile": "original", "data.val_per_class": 0}
BALANCED = {"rho": 1, "method": "none", "rotation": 0}


def matches(config: dict, wanted: dict) -> bool:
    """Returns whether the config holds every (key, value) of wanted."""
    return all(config.get(k) == v for k, v in wanted.items())


def error_rate(point: Point) -> Interval | None:
    """Returns the point's test error (1 − accuracy) with its interval."""
    accuracy = point.estimate(ACC)
    return accuracy and accuracy.complement()


def baseline_points(points: list[Point]) -> tuple[list[Point], str]:
    """Returns the points that stand for the study's baselines (original data set, no
    correction, no rotation, trained like most runs) and a line saying how they were chosen."""
    balanced = [p for p in usual_training(points) if matches(p.config, BALANCED)]
    original = [p for p in balanced if matches(p.config, ORIGINAL)]
    if original:
        return original, "original data set (experiment=baseline: profile original, ρ=1, no val)"
    return balanced, (
        "no run on the original data set (imbalance.profile=original, data.val_per_class=0): "
        "balanced runs instead (ρ=1, no correction, no rotation)"
    )


def model_pair(points: list[Point]) -> tuple[dict[str, Point] | None, str]:
    """Returns ({'cnn': point, 'rnn': point}) of one setting run with both models (a baseline
    when there is one; the setting with the most runs), and which setting it is."""
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


def parameter_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'the LSTM is more parameter-efficient than the CNN'."""
    claim = "Section 4.2: the LSTM is more parameter-efficient than the CNN"
    study = "the LSTM is more parameter-efficient: 524 KB against the CNN's 6,322 KB"
    rule = (
        f"the LSTM has fewer parameters, and {COMPARABLE_ERROR:g} × the CNN's test error lies "
        "above the LSTM's (one setting run with both models, the baseline if there is one)"
    )
    pair, where = model_pair(points)
    if pair is None:
        return no_data(claim, rule, study, where)
    params = {m: p.mean("model/params") for m, p in pair.items()}
    kib = {m: p.mean("model/bytes") / 1024 for m, p in pair.items()}
    error = {m: error_rate(p) for m, p in pair.items()}
    fewer = HOLDS if params["rnn"] < params["cnn"] else FAILS  # counts: no uncertainty
    twice = error["cnn"] and error["cnn"].scaled(COMPARABLE_ERROR)
    outcome, text = check(f"{COMPARABLE_ERROR:g} × CNN error", twice, "LSTM error", error["rnn"])
    sizes = ", ".join(
        f"{name} {number(round(params[m]), 0)} parameters, {number(kib[m], 0)} KiB"
        for m, name in (("cnn", "CNN"), ("rnn", "LSTM"))
    )
    evidence = [f"{where}: {sizes}: fewer parameters: {fewer}", text]
    here = f"{sizes}; {text}"
    return Verdict(claim, combine([fewer, outcome]), rule, evidence, study=study, here=here)


def error_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'the CNN's test error is below the LSTM's' (the study: 2/3)."""
    claim = "Section 4.2: the CNN's test error is below the LSTM's"
    study = "the CNN's error rate is about 2/3 of the RNN's (0.85% against 1.61%)"
    rule = "the LSTM's test error lies above the CNN's (one setting run with both models)"
    pair, where = model_pair(points)
    if pair is None:
        return no_data(claim, rule, study, where)
    error = {m: error_rate(p) for m, p in pair.items()}
    outcome, text = check("LSTM error", error["rnn"], "CNN error", error["cnn"])
    cnn, rnn = error["cnn"], error["rnn"]
    ratio = cnn and rnn and cnn.ratio(rnn)  # None where the LSTM's error may be 0
    mean = cnn.mean / rnn.mean if cnn and rnn and rnn.mean > 0 else None
    share = f"CNN / LSTM error {with_interval(ratio, mean, digits=2)} (the study: 0.53)"
    return Verdict(
        claim, outcome, rule, [f"{where}: {text}", share], study=study, here=f"{text}; {share}"
    )


def _agreement(outcomes: list[bool]) -> str:
    """Returns HOLDS when every seed agrees the statement is true, FAILS when every seed agrees
    it is false, UNDECIDED when the seeds disagree."""
    return HOLDS if all(outcomes) else FAILS if not any(outcomes) else UNDECIDED


def depth_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on section 4.3: with SGD the LSTM needs lr >= 0.01 to reach 95%
    validation accuracy within its epochs, while the CNN at lr 0.01 needs one epoch."""
    claim = "Section 4.3: with SGD the LSTM needs lr ≥ 0.01 to reach 95%; the CNN 1 epoch at 0.01"
    study = "the LSTM needs lr ≥ 0.01 to pass 95% within 10 epochs; the CNN passes in 1 at 0.01"
    rule = (
        "the CNN at lr 0.01 reaches 95% validation accuracy in epoch 1; the LSTM never reaches "
        "it at lr < 0.01 within its epochs, and does at some lr ≥ 0.01: each part holds when "
        "every seed agrees, does not hold when every seed disagrees, else undecided"
    )
    sgd = [p for p in points if p.config.get("optimizer") == "sgd"]
    sgd.sort(key=lambda p: (str(p.config.get("model")), float(p.config.get("lr", 0))))
    if not sgd:
        return no_data(claim, rule, study, "no finished SGD run")
    evidence, reached = [], []
    for label, point in zip(labels([p.config for p in sgd]), sgd, strict=True):
        epochs = [r.epochs_to(TARGET_ACC) for r in point.runs]
        reached.append((point.config.get("model"), float(point.config.get("lr", 0)), epochs))
        never = f"never within {point.config.get('epochs', '?')} epochs"
        shown = ", ".join(str(e) if e else never for e in epochs)
        evidence.append(f"{label}: epochs to {TARGET_ACC:.0%} validation accuracy by seed: {shown}")
    small = 0.01 * (1 - 1e-9)  # lr 0.01 as stored in YAML, without float noise
    cnn = [e == 1 for m, lr, es in reached if m == "cnn" and math.isclose(lr, 0.01) for e in es]
    slow = [e is None for m, lr, es in reached if m == "rnn" and lr < small for e in es]
    fast = [[e is not None for e in es] for m, lr, es in reached if m == "rnn" and lr >= small]
    if not (cnn and slow and fast):
        evidence.append("needs the CNN at lr 0.01 and the LSTM at lr below and at or above 0.01")
        return Verdict(claim, NO_DATA, rule, evidence, study=study, here=evidence[-1])
    by_lr = [_agreement(f) for f in fast]
    some_fast = HOLDS if HOLDS in by_lr else FAILS if all(o == FAILS for o in by_lr) else UNDECIDED
    parts = {
        "CNN at lr 0.01 in epoch 1": _agreement(cnn),
        "LSTM never below lr 0.01": _agreement(slow),
        "LSTM at some lr ≥ 0.01": some_fast,
    }
    here = "; ".join(f"{name}: {outcome}" for name, outcome in parts.items())
    verdict = combine(list(parts.values()))
    return Verdict(claim, verdict, rule, [here, *evidence], study=study, here=here)
