"""imbalance-lab: Hydra + Lightning experiments on class imbalance in deep classifiers."""

__version__ = "0.1.0"
