"""validation.md: each grid point's validation accuracy after every epoch (mean over seeds),
the last epoch's with its 95% interval, the best epoch's, and the fewest epochs within a
tolerance of the last. What an ablation or an epoch budget is read from: the validation split
only, never the test split."""

from __future__ import annotations

import statistics

from imbalance_lab.metrics.names import VAL_ACC
from imbalance_lab.report.engine.points import Point
from imbalance_lab.report.engine.stats import is_number, t_interval
from imbalance_lab.report.header import SweepFacts, header_lines
from imbalance_lab.report.labels import labels
from imbalance_lab.report.text import markdown_table, number, sizes, with_interval

TOLERANCE = 0.003  # 0.3 points: "within 0.3 points of the 10-epoch accuracy" (issue 10)


def curve(point: Point, metric: str = VAL_ACC) -> list[float]:
    """Returns the mean over the point's seeds of `metric` after each epoch (1, 2, ...), as
    far as every seed's history reaches."""
    histories = [run.curve(metric) for run in point.runs]
    length = min((len(h) for h in histories), default=0)
    return [statistics.fmean(h[e] for h in histories) for e in range(length)]


def epochs_within(values: list[float], tolerance: float = TOLERANCE) -> int | None:
    """Returns the fewest epochs E after which the curve never falls more than tolerance below
    its last value (every epoch from E on is within it); None for an empty curve."""
    if not values:
        return None
    floor = values[-1] - tolerance
    epochs = len(values)
    while epochs > 1 and values[epochs - 2] >= floor:
        epochs -= 1
    return epochs


def validation_markdown(points: list[Point], facts: list[SweepFacts]) -> str:
    """Returns validation.md for the points whose runs logged validation accuracy, with the
    header of what the numbers come from (and its warning for reduced runs)."""
    shown = [p for p in points if curve(p)]
    lines = ["# Validation accuracy per epoch", "", *header_lines(facts), ""]
    if not shown:
        return "\n".join([*lines, "No run logged a validation accuracy."]) + "\n"
    longest = max(len(curve(p)) for p in shown)
    names = labels([p.config for p in shown])
    rows = []
    for name, point in zip(names, shown, strict=True):
        values = curve(point)
        last = [run.curve(VAL_ACC)[len(values) - 1] for run in point.runs]
        best = [max(run.curve(VAL_ACC)) for run in point.runs]
        trained = [
            r.metrics.get("train/images_per_epoch", r.metrics.get("train/size")) for r in point.runs
        ]
        rows.append(
            [
                name,
                point.n,
                sizes([int(t) for t in trained if is_number(t)]),
                *(number(v, 2, True) for v in values + [None] * (longest - len(values))),
                with_interval(t_interval(last), statistics.fmean(last), 2, True),
                number(statistics.fmean(best), 2, True),
                epochs_within(values),
            ]
        )
    columns = [
        "setting",
        "n",
        "training images per epoch",
        *(f"e{e}" for e in range(1, longest + 1)),
        "last epoch [95% t]",
        "best epoch",
        "epochs within 0.3",
    ]
    lines += [
        f"Mean validation accuracy ({VAL_ACC}) over the n seeds after each epoch e1, e2, ...; the "
        "last epoch's with its 95% t-interval (one seed: the mean alone); 'best epoch': the mean "
        "of each seed's best epoch, an optimistic figure (it picks the maximum of noisy "
        "values); 'epochs within 0.3': the fewest epochs after which the mean curve stays "
        "within 0.3 points of its last value.",
        "",
        *markdown_table(columns, rows),
    ]
    return "\n".join(lines) + "\n"
