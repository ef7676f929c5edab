"""Masked Gram matrices (docs/algorithm.md §3.2)."""

from __future__ import annotations

import torch


def masked_gram(features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """G = (X*M)(X*M)^T / (C * sum M) for features (C, H, W) and mask (H, W); returns (C, C)."""
    c = features.shape[0]
    flat = (features * mask).reshape(c, -1)
    return flat @ flat.T / (c * mask.sum().clamp_min(1e-8))


def gram_style_gradient(features: torch.Tensor, mask: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(G - G_t)(X*M) reshaped to (C, H, W): the Gram loss gradient up to constant factors."""
    c = features.shape[0]
    gram = masked_gram(features, mask)
    return ((gram - target) @ (features * mask).reshape(c, -1)).reshape(features.shape)
