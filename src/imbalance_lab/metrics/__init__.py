"""Metrics: the study's error-flow rates p_{a->b} as a torchmetrics Metric (GroupErrorRates),
the groups' pure rules (metrics.groups, no torch), and the standard scores (accuracy, balanced
accuracy, F1, ROC AUC, ECE, geometric mean of recalls)."""


def __getattr__(name: str):
    # Lazy, so that importing metrics.groups (the report does) loads no torch.
    if name == "GroupErrorRates":
        from imbalance_lab.metrics.group_rates import GroupErrorRates

        return GroupErrorRates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
