"""Where the painting cannot rebuild the result, the result's luminance is kept (unmatched.py)."""

from __future__ import annotations

import numpy as np

from harmonize.method.likeness import LUMA_RGB
from harmonize.method.postprocess import postprocess
from harmonize.method.postprocess.unmatched import UNMATCHED_FROM, keep_unmatched_luminance, unmatched_weight

NAVY = np.array([0.1, 0.1, 0.35], np.float32)
PAPER = np.array([0.95, 0.95, 0.92], np.float32)
GREY = np.array([0.5, 0.5, 0.5], np.float32)


def paper_and_ink(size: int = 96) -> np.ndarray:
    """A painting of white paper and navy ink only, in 8-px strokes (over a 7x7 patch): (H, W, 3) in [0, 1]."""
    stripes = (np.arange(size) // 8) % 2 == 0
    return np.where(stripes[None, :, None], NAVY, PAPER) * np.ones((size, size, 1), np.float32)


def test_the_weight_is_zero_where_the_rebuild_matches_and_one_where_it_is_far() -> None:
    result = np.full((40, 40, 3), 0.5, np.float32)
    rebuilt = result.copy()
    rebuilt[:, 20:] = 0.5 + 2 * UNMATCHED_FROM + 0.2  # past the full gap
    rebuilt[:, :20] += UNMATCHED_FROM / 2  # under the first gap
    weight = unmatched_weight(rebuilt, result)
    assert weight.shape == (40, 40) and weight.dtype == np.float32
    assert np.all(weight[:, :15] == 0) and np.all(weight[:, 25:] == 1)


def test_kept_luminance_comes_back_and_the_colour_stays_the_rebuilt_one() -> None:
    result = np.full((32, 32, 3), GREY, np.float32)
    rebuilt = np.full((32, 32, 3), NAVY, np.float32)  # a blue the painting has, far darker than the grey
    kept = keep_unmatched_luminance(rebuilt, rebuilt, result, 1.0)
    assert np.allclose(kept @ LUMA_RGB, result @ LUMA_RGB, atol=1e-5)
    blue_over_red = kept[..., 2] - kept[..., 0]
    assert np.allclose(blue_over_red, NAVY[2] - NAVY[0], atol=1e-5)  # the same hue offset: luminance moved only
    assert keep_unmatched_luminance(rebuilt, rebuilt, result, 0.0) is rebuilt  # 0: the authors' rebuild


def test_a_grey_object_in_a_paper_and_ink_painting_stays_grey_with_it_on() -> None:
    painting = paper_and_ink()
    mask = np.zeros(painting.shape[:2], np.float32)
    mask[28:68, 28:68] = 1.0
    result = painting.copy()
    result[mask > 0] = GREY  # pass 2 kept the grey block whole
    inner = (slice(36, 60), slice(36, 60))
    luma = {}
    for amount in (0.0, 1.0):
        final = postprocess(result, result, painting, mask, seed=0, keep_unmatched=amount)
        luma[amount] = (final @ LUMA_RGB)[inner]
    grey = float(GREY @ LUMA_RGB)
    # the authors' rebuild can only use paper and ink: the block turns to strokes of both
    assert np.abs(luma[0.0] - grey).mean() > 0.2
    # kept: the block's light and dark are the grey's again
    assert np.abs(luma[1.0] - grey).mean() < 0.05
