"""The study's two classifiers as plain nn.Modules, sized from the data set's spec; both take
(B, 1, H, W) float images. A new model: one class here, one MODELS line, one conf/model/*.yaml
(docs/architecture.md)."""

from __future__ import annotations

import torch
from torch import nn


class CNN(nn.Module):
    """Two 3x3 convolutions (32 channels), one 2x2 max-pool, two dense layers. On MNIST
    (28 x 28, 10 classes): 1,618,026 parameters, the study's 6,322 KB.

    channels_last keeps the convolutions' weights and activations as (B, H, W, C) in memory
    (the same logical shapes): measured faster on the CPU (docs/performance.md), and the same
    maths, so results agree within float tolerance and checkpoints load either way."""

    def __init__(self, num_classes: int, image_shape: tuple[int, int], channels_last: bool = False):
        super().__init__()
        self.channels_last = channels_last
        height, width = image_shape
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 32, H // 2, W // 2)
        )
        # The dense layer on 32 x H/2 x W/2 features (MNIST: 6272) holds 99% of the parameters.
        flattened = 32 * (height // 2) * (width // 2)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(flattened, 256), nn.ReLU(), nn.Linear(256, num_classes)
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
    """Image rows as a sequence (H steps of W features) into a stacked LSTM, the last step into
    a linear layer. On MNIST with hidden 100 and 2 layers: 133,810 parameters (524 KB)."""

    def __init__(
        self,
        num_classes: int,
        image_shape: tuple[int, int],
        hidden_size: int = 100,
        num_layers: int = 2,
    ):
        super().__init__()
        self.lstm = nn.LSTM(image_shape[1], hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    @property
    def last_layer(self) -> nn.Module:
        """Returns the output layer (what two-phase training fine-tunes)."""
        return self.head

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Returns logits (B, num_classes)."""
        rows = images.squeeze(1)  # (B, H, W): H steps of W features
        outputs, _ = self.lstm(rows)  # (B, H, hidden)
        return self.head(outputs[:, -1])


MODELS: dict[str, type[nn.Module]] = {"cnn": CNN, "rnn": LSTMClassifier}


def build_model(name: str, num_classes: int, image_shape: tuple[int, int], **settings) -> nn.Module:
    """Returns a fresh model of the named architecture, sized for num_classes and image_shape
    (H, W); settings are the model's own (conf/model/<name>.yaml less its name)."""
    return MODELS[name](num_classes=num_classes, image_shape=tuple(image_shape), **settings)


def count_parameters(model: nn.Module) -> int:
    """Returns the number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
