"""imbalance-lab: Hydra + Lightning experiments on class imbalance in deep classifiers.

Packages: config (the schema of a run's config, its check, what decides its results), cli (the
command line around run()), imbalance (profiles, re-sampling, the method table), data (files,
dataset spec, DataModule), training (models, losses, the LightningModule), metrics (metric
names, the p-rates Metric, scores), run (run(cfg): config to metrics.json), report (sweep
folders -> tables, figures, verdicts). docs/architecture.md draws the flow."""

__version__ = "0.2.0"
