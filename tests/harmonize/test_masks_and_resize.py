"""Masks and Torch-style resizes, against the numbers docs/algorithm.md gives."""

import numpy as np
import pytest

from harmonize.masks import (
    blurred_tight_mask,
    dilate_mask,
    mask_pyramid,
    masked_mean,
    surrounding_mean,
    validate_mask,
)
from harmonize.method.window import POOL_ALIGN, window_around
from harmonize.resize import fit_longest_side, resize_bilinear, resize_simple, upsample_change


def test_dilation_adds_about_twelve_pixels_on_a_straight_edge():
    mask = np.zeros((200, 200), np.float32)
    mask[50:150, 50:150] = 1
    loose = dilate_mask(mask)
    row = loose[100]
    grown_left = 50 - np.argmax(row > 0)
    assert 11 <= grown_left <= 13  # "about 12 px on straight edges" (§1)
    assert set(np.unique(loose)) == {0.0, 1.0}


def test_blurred_tight_mask_is_a_near_box():
    mask = np.zeros((30, 30), np.float32)
    mask[10:20, 10:20] = 1
    soft = blurred_tight_mask(mask)
    assert soft[15, 15] == pytest.approx(1.0, abs=1e-5)
    assert soft[15, 6] == 0.0  # 4 px outside: beyond the 7x7 support
    assert 0.4 < soft[15, 10] < 0.6  # the edge is half covered by the near-flat box


def test_area_shrink_averages_fractional_intervals():
    row = np.array([[0.0, 3.0, 6.0]], np.float32)
    # 3 -> 2: intervals [0, 1.5) and [1.5, 3): (0 + 0.5*3) / 1.5 = 1 and (0.5*3 + 6) / 1.5 = 5.
    np.testing.assert_allclose(resize_bilinear(row, 1, 2), [[1.0, 5.0]])


def test_enlarging_is_align_corners_linear_and_simple_is_floor():
    row = np.array([[0.0, 10.0]], np.float32)
    np.testing.assert_allclose(resize_bilinear(row, 1, 5), [[0, 2.5, 5, 7.5, 10]])
    np.testing.assert_array_equal(resize_simple(np.arange(6)[None], 1, 3), [[0, 2, 4]])
    assert fit_longest_side(557, 700, 400) == (318, 400)


def test_upsampling_the_change_keeps_the_fine_detail():
    fine = np.repeat((np.indices((32, 32)).sum(axis=0) % 2)[..., None], 3, axis=2)  # a 1-px checkerboard
    coarse = resize_bilinear(fine, 16, 16)
    np.testing.assert_array_equal(upsample_change(coarse, coarse, fine), fine.astype(np.float32))
    shifted = upsample_change(coarse + 0.25, coarse, fine)
    np.testing.assert_allclose(shifted, fine + 0.25, atol=1e-6)
    assert np.abs(resize_bilinear(coarse + 0.25, 32, 32) - (fine + 0.25)).max() > 0.4  # the image itself loses it


def test_mask_pyramid_follows_the_modules(vgg16):
    mask = np.ones((40, 30), np.float32)
    masks = mask_pyramid(mask, vgg16.mask_plan())
    assert masks["relu1_1"].shape == (40, 30) and masks["relu5_1"].shape == (3, 2)
    assert masks["relu1_1"][20, 15] == pytest.approx(1.0)
    assert masks["relu1_1"][0, 0] == pytest.approx(4 / 9)  # zero padding at the corner


def test_window_keeps_the_pooling_grid_and_the_margin():
    mask = np.zeros((300, 400), np.float32)
    mask[140:160, 200:230] = 1
    win = window_around(mask, 64)
    assert win.top % POOL_ALIGN == 0 and win.left % POOL_ALIGN == 0
    assert win.top <= 140 - 64 and win.top + win.height >= 160 + 64
    assert win.left <= 200 - 64 and win.left + win.width >= 230 + 64


def test_empty_and_full_masks_are_refused():
    with pytest.raises(ValueError, match="empty"):
        validate_mask(np.zeros((10, 10)))
    with pytest.raises(ValueError, match="whole image"):
        validate_mask(np.ones((10, 10)))


def test_the_surrounding_mean_fills_what_the_masked_mean_cannot_reach_with_the_nearest_value():
    image = np.zeros((60, 200, 3), np.float32)
    image[:, :100] = 0.2
    image[:, 100:] = 0.8
    outside = np.ones((60, 200), bool)
    outside[:, 30:170] = False  # a wide object: its middle lies beyond a 4-px Gaussian's reach
    plain, filled = masked_mean(image, outside, 4.0), surrounding_mean(image, outside, 4.0)
    assert plain[30, 100, 0] == 0.0  # black where nothing outside weighs
    assert filled[30, 60, 0] == pytest.approx(0.2, abs=1e-3)  # the left ground, nearest there
    assert filled[30, 140, 0] == pytest.approx(0.8, abs=1e-3)
    assert np.array_equal(filled[:, :25], plain[:, :25])  # where the average reaches, it is kept
