"""Masked Gram matrices (docs/algorithm.md §3.2)."""

from __future__ import annotations

import torch


def masked_gram(features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """G = (X*M)(X*M)^T / (C * sum M) for features (C, H, W) and mask (H, W); returns (C, C)."""
    return _gram_of_masked(features * mask, mask)


def _gram_of_masked(masked: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    c = masked.shape[0]
    flat = masked.reshape(c, -1)
    return flat @ flat.T / (c * mask.sum().clamp_min(1e-8))


def gram_and_style_gradient(
    features: torch.Tensor, mask: torch.Tensor, target: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """G (C, C) and (G - G_t)(X*M) reshaped to (C, H, W): the Gram loss gradient up to constant factors."""
    c = features.shape[0]
    masked = features * mask
    gram = _gram_of_masked(masked, mask)
    return gram, ((gram - target) @ masked.reshape(c, -1)).reshape(features.shape)
