"""Histogram loss (docs/algorithm.md §4.3, cuda_utils.cu `histogram` / `hist_remap2`).

The target is the per-channel 256-bin histogram of the painting's features over the hit set,
rescaled to the number of masked output positions. Each evaluation remaps the output's masked
features to that histogram by rank (exact CDF matching with linear interpolation inside a bin);
the gradient is F - R with R held constant.

The value a rank maps to depends only on the target and the number of masked positions, both
fixed for a whole pass, so `build_target` tabulates it once (`by_rank`) and an evaluation only
sorts and scatters: the authors' kernel recomputes it per evaluation, which made this loss the
largest part of a large object's evaluation (docs/design/performance.md). When the features are
bfloat16 values (the network's precision in the standard and draft presets) the sort is NumPy's
radix sort of their 16-bit patterns, 6 times faster than a float sort and the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

BINS = 256  # cuda_utils.cu histogram (§4.3)
MASK_THRESHOLD = 0.1  # Omega = {M_l > 0.1} (§4.3)
EPS = 1e-8  # hist_remap2 (§4.3)


@dataclass(frozen=True)
class HistogramTarget:
    """Per-channel bin counts h (C, 256), their cumulative sums H, the value range, and by_rank.

    by_rank (C, n_output), the style's dtype: the value the remap gives the j-th smallest of
    n_output masked features, per channel.
    """

    counts: torch.Tensor
    cumulative: torch.Tensor
    low: torch.Tensor
    high: torch.Tensor
    by_rank: torch.Tensor


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
    cumulative = counts.cumsum(dim=1)
    by_rank = _value_by_rank(counts, cumulative, low, high, n_output).to(style.dtype)
    return HistogramTarget(counts=counts, cumulative=cumulative, low=low, high=high, by_rank=by_rank)


def _value_by_rank(
    counts: torch.Tensor, cumulative: torch.Tensor, low: torch.Tensor, high: torch.Tensor, n_output: int
) -> torch.Tensor:
    """hist_remap2's value for ranks 0 .. n_output - 1 (C, n_output) float64 (§4.3)."""
    c = counts.shape[0]
    rank = torch.arange(n_output, dtype=torch.float64, device=counts.device).expand(c, -1).contiguous()
    upper = cumulative.clone()
    upper[:, -1] += 0.5  # the last bin's upper bound gets +0.5 (§4.3)
    k = torch.searchsorted(upper, rank, right=True).clamp_max(BINS - 1)
    count = counts.gather(1, k)
    rho = ((rank - cumulative.gather(1, k) + count) / (count + EPS)).clamp(0, 1)
    return low[:, None] + (k + rho) * (high - low)[:, None] / BINS


def remapped_values(values: torch.Tensor, target: HistogramTarget) -> torch.Tensor:
    """R at the masked positions: values (C, n_output) remapped to the target by rank, ties by position."""
    if values.shape[1] != target.by_rank.shape[1]:
        raise ValueError(f"the target was built for {target.by_rank.shape[1]} positions, not {values.shape[1]}")
    order = stable_order(values)
    mapped = torch.empty_like(values)
    mapped.scatter_(1, order, target.by_rank.to(values.dtype))
    return mapped


def stable_order(values: torch.Tensor) -> torch.Tensor:
    """values.argsort(dim=1, stable=True) of values (C, N): ties keep their positions' order."""
    if values.device.type != "cpu" or values.dtype != torch.float32:
        return values.argsort(dim=1, stable=True)
    halves = (values + 0.0).bfloat16()  # + 0.0 turns -0.0 into 0.0, which compares equal to it
    if not torch.equal(halves.float(), values):  # not all bfloat16 values: a float sort
        return values.argsort(dim=1, stable=True)
    bits = halves.view(torch.int16)
    keys = bits ^ ((bits >> 15) & 0x7FFF)  # sign and magnitude to two's complement: same order as the values
    return torch.from_numpy(np.argsort(keys.numpy(), axis=1, kind="stable"))


def remap(features: torch.Tensor, region: torch.Tensor, target: HistogramTarget) -> torch.Tensor:
    """R: features (C, H, W) with values in `region` (H, W bool) remapped to the target."""
    c = features.shape[0]
    flat = features.reshape(c, -1)
    idx = region.flatten().nonzero().squeeze(1)
    out = flat.clone()
    out[:, idx] = remapped_values(flat[:, idx], target)
    return out.reshape(features.shape)


def histogram_gradient(
    features: torch.Tensor, mask: torch.Tensor, target: HistogramTarget
) -> tuple[float, torch.Tensor]:
    """(value, gradient) of the histogram loss: mean((F - R)^2) and F - R (§4.3)."""
    remapped = remap(features, mask > MASK_THRESHOLD, target)
    diff = features - remapped
    return float(diff.pow(2).mean()), diff
