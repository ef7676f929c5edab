"""Total variation on the image (docs/algorithm.md §3.2, §4.3), as neural-style's TVLoss."""

from __future__ import annotations

import torch

PASS1_TV_WEIGHT = 1e-3  # neural_gram.lua tv_weight (§3.2)


def tv_gradient(image: torch.Tensor) -> torch.Tensor:
    """Gradient of 1/2 sum_{y<H-1, x<W-1} [(X(y,x)-X(y,x+1))^2 + (X(y,x)-X(y+1,x))^2]; (1,3,H,W)."""
    grad = torch.zeros_like(image)
    x_diff = image[..., :-1, :-1] - image[..., :-1, 1:]
    y_diff = image[..., :-1, :-1] - image[..., 1:, :-1]
    grad[..., :-1, :-1] += x_diff + y_diff
    grad[..., :-1, 1:] -= x_diff
    grad[..., 1:, :-1] -= y_diff
    return grad


def tv_value(image: torch.Tensor) -> float:
    """The TV energy whose gradient `tv_gradient` returns."""
    x_diff = image[..., :-1, :-1] - image[..., :-1, 1:]
    y_diff = image[..., :-1, :-1] - image[..., 1:, :-1]
    return 0.5 * float(x_diff.pow(2).sum() + y_diff.pow(2).sum())
