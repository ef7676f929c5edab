"""Gram style losses: pass 1 on the independently mapped features (docs/algorithm.md §3.2),
pass 2 on the painting's features over the consistent hit set (§4.3)."""

from __future__ import annotations

import torch

from harmonize.method.losses.gram import gram_and_style_gradient

PASS1_STYLE_WEIGHT = 100.0  # neural_gram.lua style_weight (§3.2)


def pass1_style(features: torch.Tensor, mask: torch.Tensor, target_gram: torch.Tensor) -> tuple[float, torch.Tensor]:
    """(value, gradient) of 100 * mean((G(F) - G_t)^2) with the code's gradient (§3.2)."""
    c = features.shape[0]
    gram, gradient = gram_and_style_gradient(features, mask, target_gram)
    value = PASS1_STYLE_WEIGHT * float((gram - target_gram).pow(2).mean())
    scale = PASS1_STYLE_WEIGHT * 4 / (c**2 * c * float(mask.sum().clamp_min(1e-8)))
    return value, mask * gradient * scale


def pass2_style(features: torch.Tensor, mask: torch.Tensor, target_gram: torch.Tensor) -> tuple[float, torch.Tensor]:
    """(value, gradient up to a constant) of mean((G(F) - G_t)^2) (§4.3; nodes normalise)."""
    gram, gradient = gram_and_style_gradient(features, mask, target_gram)
    return float((gram - target_gram).pow(2).mean()), mask * gradient
