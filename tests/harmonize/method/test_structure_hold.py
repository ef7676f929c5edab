"""Holding thin parts and the silhouette: which pixels are held, and that only they are restored."""

from __future__ import annotations

import numpy as np

from harmonize.method.structure_hold import fine_sigma, restore_structure, restore_thin_colour, structure_mask
from tests.support.body_on_legs import body_on_legs


def test_the_legs_and_a_band_inside_the_silhouette_are_held_the_core_is_not():
    mask, legs, core = body_on_legs()
    held = structure_mask(mask) > 0
    assert held[legs].mean() > 0.95
    assert not held[core].any()
    assert held[40, 100] and held[70, 70] and not held[70, 60]  # the body's top and left edges, not outside
    assert not structure_mask(np.zeros((8, 8), np.float32)).any()


def test_restore_moves_only_the_held_pixels_towards_the_paste():
    mask, legs, _ = body_on_legs()
    held = structure_mask(mask)
    naive = np.zeros((200, 200, 3), np.float32)
    result = np.full((200, 200, 3), 0.6, np.float32)  # dark legs painted over in a light colour
    restored = restore_structure(result, naive, held, 1.0)
    assert restored[legs].mean() < 0.45  # darker, towards the legs' own black
    assert np.array_equal(restored[held == 0], result[held == 0])
    assert restore_structure(result, naive, held, 0.0) is result


def test_the_fine_sigma_scales_with_the_working_size():
    assert fine_sigma((700, 500)) == 0.25 * 0.012 * 700 and fine_sigma((64, 64)) == 1.0


def test_thin_colour_puts_back_a_share_of_the_legs_own_colour_and_leaves_the_body():
    mask, legs, core = body_on_legs()
    naive = np.zeros((200, 200, 3), np.float32)
    naive[..., 0] = 0.9  # an orange object
    naive[..., 1] = 0.5
    result = np.full((200, 200, 3), 0.6, np.float32)  # repainted in the painting's grey
    restored = restore_thin_colour(result, naive, mask, 0.5)
    leg = (slice(110, 150), slice(81, 83))  # the middle of the left leg
    np.testing.assert_allclose(restored[leg][..., 0], 0.75, atol=0.03)  # halfway from 0.6 to 0.9
    np.testing.assert_allclose(restored[leg][..., 2], 0.3, atol=0.03)
    assert np.array_equal(restored[core], result[core])
    assert np.array_equal(restore_thin_colour(result, naive, mask, 0.0), result)
