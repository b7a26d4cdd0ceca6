"""Training: the models, the losses (one class each, in a registry), the LightningModule, its
training step (capturable as a CUDA graph) and what runs after training."""
