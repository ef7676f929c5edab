"""The histogram remap equals a NumPy transcription of hist_remap2 (docs/algorithm.md §4.3)."""

import numpy as np
import torch

from harmonize.method.losses.histogram_loss import build_target, remap, stable_order


def numpy_remap(style, hits, feats, region):
    """Per-channel CDF matching, loop by loop from the spec."""
    out = feats.copy()
    n_i = int(region.sum())
    for c in range(style.shape[0]):
        values = style[c][hits]
        lo, hi = values.min(), values.max()
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        bins = np.minimum(np.floor((values - lo) / (hi - lo) * 256), 255).astype(int)
        h = np.bincount(bins, minlength=256) * n_i / len(values)
        cum = np.cumsum(h)
        upper = cum.copy()
        upper[-1] += 0.5
        x = feats[c][region]
        order = np.argsort(x, kind="stable")
        mapped = np.empty_like(x, dtype=np.float64)
        for j, idx in enumerate(order):
            k = 0
            while k < 255 and not (j < upper[k]):
                k += 1
            rho = np.clip((j - cum[k] + h[k]) / (h[k] + 1e-8), 0, 1)
            mapped[idx] = lo + (k + rho) * (hi - lo) / 256
        channel = out[c]
        channel[region] = mapped
    return out


def test_remap_matches_numpy_reference():
    rng = np.random.default_rng(0)
    style = rng.gamma(2.0, size=(3, 9, 10))
    hits = rng.random((9, 10)) > 0.5
    feats = rng.normal(size=(3, 8, 7))
    region = rng.random((8, 7)) > 0.3
    target = build_target(torch.from_numpy(style), torch.from_numpy(hits.astype(np.float32)), int(region.sum()))
    got = remap(torch.from_numpy(feats), torch.from_numpy(region), target).numpy()
    np.testing.assert_allclose(got, numpy_remap(style, hits, feats, region), rtol=1e-9, atol=1e-9)


def test_remapped_values_follow_the_target_distribution():
    rng = np.random.default_rng(1)
    style = rng.exponential(size=(1, 60, 60))
    feats = rng.normal(size=(1, 50, 50))
    region = np.ones((50, 50), bool)
    target = build_target(torch.from_numpy(style), torch.ones(60, 60), int(region.sum()))
    got = remap(torch.from_numpy(feats), torch.from_numpy(region), target).numpy().ravel()
    quantiles = np.linspace(0.05, 0.95, 10)
    np.testing.assert_allclose(np.quantile(got, quantiles), np.quantile(style.ravel(), quantiles), atol=0.05)
    # Ranks are kept: the remap is monotone.
    order = np.argsort(feats.ravel())
    assert (np.diff(got[order]) >= -1e-12).all()


def test_outside_the_region_features_are_unchanged():
    rng = np.random.default_rng(2)
    feats = rng.normal(size=(2, 6, 6))
    region = np.zeros((6, 6), bool)
    region[2:4, 2:4] = True
    target = build_target(torch.from_numpy(rng.random((2, 5, 5))), torch.ones(5, 5), 4)
    got = remap(torch.from_numpy(feats), torch.from_numpy(region), target).numpy()
    np.testing.assert_array_equal(got[:, ~region], feats[:, ~region])


def test_the_bfloat16_sort_gives_the_stable_float_order():
    rng = np.random.default_rng(3)
    values = torch.from_numpy(rng.normal(size=(4, 5000)).astype(np.float32)).bfloat16().float()
    values[:, ::7] = 0.0  # many ties, as ReLU features have
    values[0, 3] = -0.0  # equal to 0.0: must tie with it, not sort before it
    got = stable_order(values)
    np.testing.assert_array_equal(got.numpy(), values.argsort(dim=1, stable=True).numpy())


def test_float_values_that_bfloat16_cannot_hold_take_the_float_sort():
    values = torch.tensor([[1.0, 1.0 + 2**-20, 1.0, 0.5]])  # 1 + 2^-20 rounds to 1 in bfloat16
    assert stable_order(values).tolist() == [[3, 0, 2, 1]]
