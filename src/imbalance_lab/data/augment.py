"""Batched augmentation done on the training device, one kernel for the whole batch."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def rotate_batch(
    images: torch.Tensor, max_degrees: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Returns images (B, 1, H, W) each rotated by its own angle, uniform in [-max, +max] degrees.

    Bilinear resampling about the image centre; pixels rotated in from outside are 0, the
    MNIST background, so call this before normalisation. max_degrees 0 returns the input.
    generator (on the images' device) draws the angles; None uses the global RNG.
    """
    if max_degrees == 0:
        return images
    batch = images.shape[0]
    uniform = torch.rand(batch, device=images.device, generator=generator)
    radians = (uniform * 2 - 1) * math.radians(max_degrees)
    cos, sin, zero = radians.cos(), radians.sin(), torch.zeros_like(radians)
    # (B, 2, 3) affine matrices in normalised [-1, 1] coordinates: a pure rotation.
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
