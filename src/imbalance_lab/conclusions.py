"""The study's claims judged on a sweep's grid points: pure functions from points to a Verdict
(holds / does not hold / not enough data, with the rule and the numbers behind it), and the
markdown of conclusions.md. Means are over seeds; a claim that fails its rule does not hold."""

from __future__ import annotations

import math
from dataclasses import dataclass

from imbalance_lab.point_labels import describe, labels, rate_label
from imbalance_lab.sweep_results import (
    CORRECTED_METRICS,
    RATE_METRICS,
    Point,
    group_by,
    is_imbalanced,
    is_number,
    is_uncorrected,
    usual_training,
)

HOLDS, FAILS, NO_DATA = "holds", "does not hold", "not enough data"
BAL, ACC = "test/bal_acc", "test/acc"
TARGET_ACC = 0.95  # section 4.3: "an accuracy of > 95%"
# "Little effect" on the LSTM: its drop of p_I->A over the weight grid is under this share of
# the CNN's drop (the study shows no numbers, only flat curves).
LITTLE_EFFECT = 0.5
# "Comparable accuracy" for parameter efficiency: the LSTM's test error at most this many times
# the CNN's (the study: 1.61% against 0.85%, 1.9 times, for 1/12 of the parameters).
COMPARABLE_ERROR = 2.0
MODELS = ("cnn", "rnn")
KNOBS = ("method", "inv_rho", "weight")  # what a correction method changes in a setting


@dataclass
class Verdict:
    """A claim, its verdict, the rule that decided it and the numbers behind it."""

    claim: str
    verdict: str
    rule: str
    evidence: list[str]


def _decide(claim: str, rule: str, held: int, total: int, evidence: list[str]) -> Verdict:
    """Returns the verdict: holds when the rule held in all `total` cases."""
    return Verdict(claim, HOLDS if held == total else FAILS, rule, evidence)


def _fmt(point: Point, metric: str) -> str:
    """Returns 'mean ± std' of the metric over the point's seeds."""
    std = point.std(metric)
    return f"{point.mean(metric):.4f}" + ("" if math.isnan(std) else f" ± {std:.4f}")


def conclusion_1(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on p_I→I > p_I→A > p_A→I > p_A→A for imbalanced, uncorrected points."""
    names = CORRECTED_METRICS if corrected else RATE_METRICS
    claim = "Conclusion 1: " + " > ".join(rate_label(m) for m in RATE_METRICS)
    rule = (
        "the chain holds for the mean rates of every imbalanced setting (ρ > 1) trained without "
        "correction (method none, weight 1, or ROS no further than 1/ρ)"
    )
    chosen = [p for p in points if is_imbalanced(p.config) and is_uncorrected(p.config)]
    chosen = [p for p in chosen if all(p.values(m) for m in names)]  # older runs lack per-class
    if not chosen:
        return Verdict(claim, NO_DATA, rule, ["no finished run with ρ > 1 and no correction"])
    evidence, held = [], 0
    for label, point in zip(labels([p.config for p in chosen]), chosen, strict=True):
        means = [point.mean(m) for m in names]
        pairs = zip(names, names[1:], means, means[1:], strict=False)
        broken = [f"{rate_label(a)} ≤ {rate_label(b)}" for a, b, x, y in pairs if not x > y]
        held += not broken
        rates = ", ".join(f"{rate_label(m)} {x:.4f}" for m, x in zip(names, means, strict=True))
        verdict = "; ".join(broken) or "holds"
        evidence.append(f"{label} (n={point.n}): {rates}: {verdict}")
    runs = [r for p in chosen for r in p.runs]
    steps = list(zip(names, names[1:], strict=False))
    run_held = sum(all(r.metrics[a] > r.metrics[b] for a, b in steps) for r in runs)
    evidence.insert(0, f"holds in {held} of {len(chosen)} settings, {run_held} of {len(runs)} runs")
    return _decide(claim, rule, held, len(chosen), evidence)


def conclusion_2(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS is best carried out to 1/rho = 1' (balanced accuracy)."""
    claim = "Conclusion 2: ROS works best when carried out to 1/ρ = 1"
    rule = (
        "in every ROS series over 1/ρ that includes 1, 1/ρ = 1 has the best mean balanced accuracy"
    )
    series = {
        key: sorted(group, key=lambda p: p.config["inv_rho"])
        for key, group in group_by(points, ("inv_rho",), lambda c: c.get("method") == "ros").items()
        if len(group) > 1 and any(p.config["inv_rho"] == 1 for p in group)
    }
    if not series:
        return Verdict(claim, NO_DATA, rule, ["no ROS series with 1/ρ = 1 and another 1/ρ"])
    evidence, held = [], 0
    for label, group in zip(labels([dict(k) for k in series]), series.values(), strict=True):
        best = max(group, key=lambda p: p.mean(BAL))
        held += best.config["inv_rho"] == 1
        values = "; ".join(f"{p.config['inv_rho']}: {_fmt(p, BAL)}" for p in group)
        gap = [p.mean("test/p_I_to_A") - p.mean("test/p_A_to_I") for p in (group[0], group[-1])]
        evidence.append(
            f"{label}: balanced accuracy by 1/ρ {values}; best at 1/ρ = {best.config['inv_rho']}"
            f" (p_I→A − p_A→I {gap[0]:.4f} at the smallest 1/ρ, {gap[1]:.4f} at the largest)"
        )
    return _decide(claim, rule, held, len(series), evidence)


def _best_worst(group: list[Point], metric: str) -> str:
    """Returns the best and worst mean of the metric over the group's settings, as text."""
    means = [p.mean(metric) for p in group]
    return f"best {max(means):.4f}, worst {min(means):.4f} over {len(group)} settings"


def conclusion_3(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS is safer than weighted loss' (worst case over each grid)."""
    claim = "Conclusion 3: ROS is a safer solution than weighted loss"
    rule = (
        "in every setting run with both, the worst mean balanced accuracy over ROS's grid is at "
        "least the worst over the weighted loss's grid"
    )
    groups = group_by(points, KNOBS, lambda c: c.get("method") in ("ros", "weighted"))
    both = {}
    for key, group in groups.items():
        methods = {m: [p for p in group if p.config["method"] == m] for m in ("ros", "weighted")}
        if all(methods.values()) and is_imbalanced(dict(key)):
            both[key] = methods
    if not both:
        return Verdict(claim, NO_DATA, rule, ["no setting run with both ROS and weighted loss"])
    evidence, held = [], 0
    for label, methods in zip(labels([dict(k) for k in both]), both.values(), strict=True):
        worst = {m: min(p.mean(BAL) for p in g) for m, g in methods.items()}
        held += worst["ros"] >= worst["weighted"]
        for metric, name in ((BAL, "balanced accuracy"), (ACC, "accuracy")):
            evidence.append(
                f"{label}, {name}: ROS {_best_worst(methods['ros'], metric)}; "
                f"weighted {_best_worst(methods['weighted'], metric)}"
            )
    return _decide(claim, rule, held, len(both), evidence)


def _gain(treated: list[Point], baseline: list[Point]) -> tuple[float, float, Point]:
    """Returns (best treated mean balanced accuracy − baseline mean, noise, best point); noise
    is the larger seed std of the two (0 below two seeds)."""
    best = max(treated, key=lambda p: p.mean(BAL))
    base = Point(config={}, runs=[r for p in baseline for r in p.runs])
    stds = [s for s in (best.std(BAL), base.std(BAL)) if not math.isnan(s)]
    return best.mean(BAL) - base.mean(BAL), max(stds, default=0.0), best


def augmentation_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'ROS and weighting help only with augmentation'."""
    claim = "ROS and weighted loss help only with augmentation (rotation)"
    rule = (
        "for each method and model, the best corrected setting beats no correction (by more than "
        "the seed std) with rotation, and does not without rotation"
    )
    baselines = group_by(points, KNOBS, is_uncorrected)
    cases: dict[tuple, dict[float, tuple]] = {}
    for method in ("ros", "weighted"):
        treated = group_by(
            points, KNOBS, lambda c, m=method: c.get("method") == m and not is_uncorrected(c)
        )
        for key, group in treated.items():
            if key in baselines and is_imbalanced(dict(key)):
                case = (method, *[(k, v) for k, v in key if k != "rotation"])
                cases.setdefault(case, {})[dict(key).get("rotation", 0)] = _gain(
                    group, baselines[key]
                )
    complete = {k: v for k, v in cases.items() if 0 in v and any(r > 0 for r in v)}
    if not complete:
        missing = "no method run with and without rotation, each beside an uncorrected run"
        return Verdict(claim, NO_DATA, rule, [missing])
    evidence, held = [], 0
    names = labels([dict(k[1:]) for k in complete])
    for label, (case, by_rotation) in zip(names, complete.items(), strict=True):
        helps = {r: gain > noise for r, (gain, noise, _) in by_rotation.items()}
        held += not helps[0] and all(h for r, h in helps.items() if r > 0)
        knob = "inv_rho" if case[0] == "ros" else "weight"
        for rotation, (gain, noise, best) in sorted(by_rotation.items()):
            evidence.append(
                f"{describe([('method', case[0])])}, {label}, rotation ±{rotation}°: balanced "
                f"accuracy {gain:+.4f} over no correction (best {knob} {best.config[knob]}; seed "
                f"std {noise:.4f}): " + ("helps" if helps[rotation] else "does not help")
            )
    return _decide(claim, rule, held, len(complete), evidence)


def lstm_weighting_claim(points: list[Point], corrected: bool = False) -> Verdict:
    """Returns the verdict on 'weighted loss fails on the LSTM': the drop of p_I→A from the
    smallest to the largest weight, LSTM against CNN."""
    metric = "test/p_I_to_A" + ("_per_class" if corrected else "")
    claim = "Weighted loss fails on the LSTM"
    rule = (
        f"in every setting, the LSTM's drop of {rate_label(metric)} from the smallest to the "
        f"largest minority weight is under {LITTLE_EFFECT:g} × the CNN's, and the CNN's is > 0"
    )
    pairs, numeric = {}, lambda c: c.get("method") == "weighted" and is_number(c.get("weight"))
    for key, group in group_by(points, ("weight", "model"), numeric).items():
        group.sort(key=lambda p: p.config["weight"])
        series = {m: [p for p in group if p.config["model"] == m] for m in MODELS}
        if all(len(s) > 1 for s in series.values()):
            pairs[key] = {
                m: (s[0].mean(metric) - s[-1].mean(metric), s[0], s[-1]) for m, s in series.items()
            }
    if not pairs:
        return Verdict(claim, NO_DATA, rule, ["no setting with a weight grid for both models"])
    evidence, held = [], 0
    for label, drops in zip(labels([dict(k) for k in pairs]), pairs.values(), strict=True):
        cnn, rnn = drops["cnn"][0], drops["rnn"][0]
        held += cnn > 0 and rnn < LITTLE_EFFECT * cnn
        for name, (drop, low, high) in (("CNN", drops["cnn"]), ("LSTM", drops["rnn"])):
            evidence.append(
                f"{label}, {name}: {rate_label(metric)} {_fmt(low, metric)} at weight "
                f"{low.config['weight']} → {_fmt(high, metric)} at {high.config['weight']} "
                f"(drop {drop:+.4f})"
            )
    return _decide(claim, rule, held, len(pairs), evidence)


def parameter_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on 'the LSTM is more parameter-efficient than the CNN'."""
    claim = "The LSTM is more parameter-efficient than the CNN"
    rule = (
        f"the LSTM has fewer parameters and a test error at most {COMPARABLE_ERROR:g} × the CNN's, "
        "on the settings run with both models (only the balanced baseline if it was run)"
    )
    matched = []
    for group in group_by(usual_training(points), ("model",)).values():
        models = {p.config.get("model"): p for p in group}
        if {"cnn", "rnn"} <= set(models):
            matched.append(models)
    baseline = [
        m for m in matched if not is_imbalanced(m["cnn"].config) and is_uncorrected(m["cnn"].config)
    ]
    matched = baseline or matched
    if not matched:
        return Verdict(claim, NO_DATA, rule, ["no setting run with both the CNN and the LSTM"])
    params = {m: matched[0][m].mean("model/params") for m in MODELS}
    kib = {m: matched[0][m].mean("model/bytes") / 1024 for m in MODELS}
    acc = {m: sum(x[m].mean(ACC) for x in matched) / len(matched) for m in MODELS}
    error_ratio = (1 - acc["rnn"]) / (1 - acc["cnn"]) if acc["cnn"] < 1 else math.inf
    param_ratio = params["cnn"] / params["rnn"]
    where = f"{len(matched)} {'balanced baseline ' if baseline else ''}settings"
    evidence = [
        f"{name}: {params[m]:,.0f} parameters, {kib[m]:,.0f} KiB, "
        f"mean test accuracy {acc[m]:.4f} over {where}"
        for m, name in (("cnn", "CNN"), ("rnn", "LSTM"))
    ]
    evidence.append(
        f"error ratio LSTM/CNN {error_ratio:.2f}; parameters CNN/LSTM {param_ratio:.2f}"
    )
    held = params["rnn"] < params["cnn"] and error_ratio <= COMPARABLE_ERROR
    return _decide(claim, rule, int(held), 1, evidence)


def depth_claim(points: list[Point]) -> Verdict:
    """Returns the verdict on section 4.3: with SGD the LSTM needs lr >= 0.01 to reach 95%
    validation accuracy within its epochs, while the CNN at lr 0.01 needs one epoch."""
    claim = "Depth: with SGD the LSTM needs lr ≥ 0.01 to reach 95%; the CNN needs 1 epoch at 0.01"
    rule = (
        "over every seed, the CNN at lr 0.01 reaches 95% validation accuracy in epoch 1; the LSTM "
        "never reaches it at lr < 0.01 within its epochs, and does at some lr ≥ 0.01"
    )
    sgd = [p for p in points if p.config.get("optimizer") == "sgd"]
    sgd.sort(key=lambda p: (str(p.config.get("model")), float(p.config.get("lr", 0))))
    if not sgd:
        return Verdict(claim, NO_DATA, rule, ["no finished SGD run"])
    evidence, reached = [], []
    for label, point in zip(labels([p.config for p in sgd]), sgd, strict=True):
        epochs = [r.epochs_to(TARGET_ACC) for r in point.runs]
        reached.append((point.config.get("model"), float(point.config.get("lr", 0)), epochs))
        never = f"never within {point.config.get('epochs', '?')} epochs"
        shown = ", ".join(str(e) if e else never for e in epochs)
        evidence.append(f"{label}: epochs to {TARGET_ACC:.0%} validation accuracy by seed: {shown}")
    cnn = [e for m, lr, es in reached if m == "cnn" and math.isclose(lr, 0.01) for e in es]
    slow = [e for m, lr, es in reached if m == "rnn" and lr < 0.01 * (1 - 1e-9) for e in es]
    fast = [es for m, lr, es in reached if m == "rnn" and lr >= 0.01 * (1 - 1e-9)]
    if not (cnn and slow and fast):
        evidence.append("needs the CNN at lr 0.01 and the LSTM at lr below and at or above 0.01")
        return Verdict(claim, NO_DATA, rule, evidence)
    held = all(e == 1 for e in cnn) and all(e is None for e in slow) and any(all(f) for f in fast)
    return _decide(claim, rule, int(held), 1, evidence)
