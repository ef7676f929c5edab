"""Histogram loss (docs/algorithm.md §4.3, cuda_utils.cu `histogram` / `hist_remap2`).

The target is the per-channel 256-bin histogram of the painting's features over the hit set,
rescaled to the number of masked output positions. Each evaluation remaps the output's masked
features to that histogram by rank (exact CDF matching with linear interpolation inside a bin);
the gradient is F - R with R held constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

BINS = 256  # cuda_utils.cu histogram (§4.3)
MASK_THRESHOLD = 0.1  # Omega = {M_l > 0.1} (§4.3)
EPS = 1e-8  # hist_remap2 (§4.3)


@dataclass(frozen=True)
class HistogramTarget:
    """Per-channel bin counts h (C, 256), their cumulative sums H, and the value range."""

    counts: torch.Tensor
    cumulative: torch.Tensor
    low: torch.Tensor
    high: torch.Tensor


def build_target(style: torch.Tensor, hits: torch.Tensor, n_output: int) -> HistogramTarget:
    """Histogram of style (C, H, W) over hits (H, W) > 0.5, scaled to n_output samples."""
    values = style.reshape(style.shape[0], -1)[:, hits.flatten() > 0.5].double()
    low, high = values.min(dim=1).values, values.max(dim=1).values
    flat = low == high
    low, high = torch.where(flat, low - 1, low), torch.where(flat, high + 1, high)
    bins = ((values - low[:, None]) / (high - low)[:, None] * BINS).floor().clamp(0, BINS - 1).long()
    counts = torch.zeros(values.shape[0], BINS, dtype=torch.float64, device=style.device)
    counts.scatter_add_(1, bins, torch.ones_like(values))
    counts *= n_output / values.shape[1]
    return HistogramTarget(counts=counts, cumulative=counts.cumsum(dim=1), low=low, high=high)


def remap(features: torch.Tensor, region: torch.Tensor, target: HistogramTarget) -> torch.Tensor:
    """R: features (C, H, W) with values in `region` (H, W bool) remapped to the target."""
    c = features.shape[0]
    flat = features.reshape(c, -1)
    idx = region.flatten().nonzero().squeeze(1)
    values = flat[:, idx].double()
    order = values.argsort(dim=1)
    rank = torch.arange(values.shape[1], dtype=torch.float64, device=features.device).expand(c, -1).contiguous()
    upper = target.cumulative.clone()
    upper[:, -1] += 0.5  # the last bin's upper bound gets +0.5 (§4.3)
    k = torch.searchsorted(upper, rank, right=True).clamp_max(BINS - 1)
    count = target.counts.gather(1, k)
    rho = ((rank - target.cumulative.gather(1, k) + count) / (count + EPS)).clamp(0, 1)
    mapped_sorted = target.low[:, None] + (k + rho) * (target.high - target.low)[:, None] / BINS
    mapped = torch.empty_like(values)
    mapped.scatter_(1, order, mapped_sorted)
    out = flat.clone()
    out[:, idx] = mapped.to(features.dtype)
    return out.reshape(features.shape)


def histogram_gradient(
    features: torch.Tensor, mask: torch.Tensor, target: HistogramTarget
) -> tuple[float, torch.Tensor]:
    """(value, gradient) of the histogram loss: mean((F - R)^2) and F - R (§4.3)."""
    remapped = remap(features, mask > MASK_THRESHOLD, target)
    diff = features - remapped
    return float(diff.pow(2).mean()), diff
