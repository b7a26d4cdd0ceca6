"""The study's two classifiers as plain nn.Modules; both take (B, 1, 28, 28) float images."""

from __future__ import annotations

import torch
from torch import nn


class CNN(nn.Module):
    """Two 3x3 convolutions, one max-pool, two dense layers: 1,618,026 parameters.

    channels_last keeps the convolutions' weights and activations as (B, H, W, C) in memory
    (the same logical shapes): measured faster on the CPU (docs/performance.md), and the same
    maths, so results agree within float tolerance and checkpoints load either way."""

    def __init__(self, num_classes: int = 10, channels_last: bool = False):
        super().__init__()
        self.channels_last = channels_last
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 32, 14, 14)
        )
        # The dense layer on 32 x 14 x 14 = 6272 features holds 99% of the parameters.
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 14 * 14, 256), nn.ReLU(), nn.Linear(256, num_classes)
        )
        if channels_last:
            # Moving to a device or loading a state dict keeps the weights' memory format.
            self.features.to(memory_format=torch.channels_last)

    @property
    def last_layer(self) -> nn.Module:
        """Returns the output layer (what two-phase training fine-tunes)."""
        return self.classifier[-1]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, num_classes)."""
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return self.classifier(self.features(images))


class LSTMClassifier(nn.Module):
    """Rows as a sequence into a 2-layer LSTM, last step into a linear layer: 133,810 parameters."""

    def __init__(self, num_classes: int = 10, hidden_size: int = 100, num_layers: int = 2):
        super().__init__()
        self.lstm = nn.LSTM(28, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    @property
    def last_layer(self) -> nn.Module:
        """Returns the output layer (what two-phase training fine-tunes)."""
        return self.head

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, num_classes)."""
        rows = images.squeeze(1)  # (B, 28, 28): 28 steps of 28 features
        outputs, _ = self.lstm(rows)  # (B, 28, hidden)
        return self.head(outputs[:, -1])


MODELS = {"cnn": CNN, "rnn": LSTMClassifier}


def build_model(name: str, num_classes: int = 10, channels_last: bool = False) -> nn.Module:
    """Returns a fresh model of the named architecture ('cnn' or 'rnn'); channels_last is the
    CNN's memory format (the LSTM has no convolution)."""
    if name == "cnn":
        return CNN(num_classes=num_classes, channels_last=channels_last)
    return MODELS[name](num_classes=num_classes)


def count_parameters(model: nn.Module) -> int:
    """Returns the number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
