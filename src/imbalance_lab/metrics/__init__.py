"""Metrics: their names and the groups' rules (names.py, groups.py, reduced.py: no torch, read by
the config check, the run, the command line and the report), the study's error-flow rates
p_{a->b} as a torchmetrics Metric (group_rates.GroupErrorRates) and the standard scores."""
