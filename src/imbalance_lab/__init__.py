"""imbalance-lab: Hydra + Lightning experiments on class imbalance in deep classifiers.

Packages: data (files, dataset spec, DataModule), imbalance (profiles, re-sampling, the method
table), training (models, losses, the LightningModule), metrics (the p-rates Metric, scores),
run (run(cfg): config check, loggers, run-folder files), report (sweep folders -> tables,
figures, verdicts). docs/architecture.md draws the flow."""

__version__ = "0.2.0"


def __getattr__(name: str):
    # Lazy, so that `import imbalance_lab.report` never loads torch.
    if name == "ImbalanceClassifier":
        from imbalance_lab.training.module import ImbalanceClassifier

        return ImbalanceClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
