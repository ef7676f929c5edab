"""Content losses: pass 1 unmasked MSE (docs/algorithm.md §3.2), pass 2 masked MSE (§4.3)."""

from __future__ import annotations

import torch

PASS1_CONTENT_WEIGHT = 5.0  # neural_gram.lua content_weight (§3.2)


def pass1_content(features: torch.Tensor, target: torch.Tensor) -> tuple[float, torch.Tensor]:
    """(value, gradient) of 5 * mean((F - T)^2); the value is reported unmasked (§3.2)."""
    diff = features - target
    value = PASS1_CONTENT_WEIGHT * float(diff.pow(2).mean())
    return value, PASS1_CONTENT_WEIGHT * 2 * diff / diff.numel()


def pass2_content(features: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> tuple[float, torch.Tensor]:
    """(value, gradient) of mean((F*M - T)^2), target T = F_4(I)*M (§4.3)."""
    diff = features * mask - target
    return float(diff.pow(2).mean()), mask * 2 * diff / diff.numel()
