"""Training: the models, the losses (one class each, in a registry), the LightningModule, its
training step (capturable as a CUDA graph) and the steps that run after training."""

from imbalance_lab.training.module import ImbalanceClassifier

__all__ = ["ImbalanceClassifier"]
