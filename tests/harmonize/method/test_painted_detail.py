"""The full-size pass 2's start takes the painting's fine marks inside the object, and only there."""

from __future__ import annotations

import cv2
import numpy as np

from harmonize.method.painted_detail import detail_sigma, painted_detail
from harmonize.method.structure_hold import structure_mask
from tests.support.body_on_legs import body_on_legs


def vertical_strokes(rng: np.random.Generator) -> np.ndarray:
    """(200, 200, 3): a painting of vertical strokes, one random grey per column."""
    columns = rng.uniform(0.2, 0.8, 200).astype(np.float32)
    return np.repeat(np.repeat(columns[None, :, None], 200, 0), 3, 2)


def photo_grain(rng: np.random.Generator) -> np.ndarray:
    """(200, 200, 3): a photo's fine texture, the same in every direction, around a mid grey."""
    noise = cv2.GaussianBlur(rng.normal(0.0, 1.0, (200, 200)).astype(np.float32), (0, 0), 1.0)
    return np.repeat((0.5 + 0.12 * noise / noise.std())[..., None], 3, 2).astype(np.float32)


def across_over_along(image: np.ndarray, where: np.ndarray) -> float:
    """Mean horizontal over mean vertical step of the luminance over `where`: above 1, vertical marks."""
    grey = image.mean(2)
    across = np.abs(np.diff(grey, axis=1))[:-1, :][where[:-1, :-1]]
    along = np.abs(np.diff(grey, axis=0))[:, :-1][where[:-1, :-1]]
    return float(across.mean() / along.mean())


def test_the_objects_fine_texture_becomes_the_paintings_strokes_and_its_shading_stays():
    mask, _, core = body_on_legs()
    rng = np.random.default_rng(1)
    start = photo_grain(rng)
    changed = painted_detail(start, vertical_strokes(rng), mask, 2.0, 1.0, seed=3, vote_sigma=0.5)
    assert 0.8 < across_over_along(start, core) < 1.25  # the photo's grain has no direction
    assert across_over_along(changed, core) > 1.8  # the start's fine marks now run along the strokes
    blurred = [cv2.GaussianBlur(image, (0, 0), 4.0) for image in (start, changed)]
    assert np.abs(blurred[1] - blurred[0])[core].mean() < 0.01  # the shading stays the start's


def test_outside_the_object_its_thin_parts_and_its_silhouette_band_are_left_as_they_were():
    mask, legs, _ = body_on_legs()
    rng = np.random.default_rng(0)
    start = rng.uniform(0.2, 0.8, (200, 200, 3)).astype(np.float32)
    changed = painted_detail(start, vertical_strokes(rng), mask, 2.0, 1.0, seed=3, vote_sigma=0.5)
    assert np.array_equal(changed[mask == 0], start[mask == 0])
    below_the_body = legs.copy()
    below_the_body[:104] = False  # where a leg joins the body, the change fades in over a few pixels
    np.testing.assert_allclose(changed[below_the_body], start[below_the_body], atol=1e-3)
    held = structure_mask(mask) > 0
    assert np.abs(changed[held] - start[held]).mean() < 0.02


def test_the_objects_own_lines_keep_the_photos_detail():
    mask, _, core = body_on_legs()
    rng = np.random.default_rng(4)
    start = photo_grain(rng)
    start[60:80, 99:101] = 0.05  # a dark stroke drawn across the body: a letter, an eyebrow
    changed = painted_detail(start, vertical_strokes(rng), mask, 2.0, 1.0, seed=3, vote_sigma=0.5)
    np.testing.assert_allclose(changed[62:78, 99:101], start[62:78, 99:101], atol=0.03)
    assert np.abs(changed[core] - start[core]).mean() > 0.03  # while the surfaces around it change


def test_amount_scales_the_change_and_zero_changes_nothing():
    mask, _, core = body_on_legs()
    rng = np.random.default_rng(2)
    start, painting = photo_grain(rng), vertical_strokes(rng)
    full = painted_detail(start, painting, mask, 2.0, 1.0, seed=3, vote_sigma=0.5)
    half = painted_detail(start, painting, mask, 2.0, 0.5, seed=3, vote_sigma=0.5)
    np.testing.assert_allclose(half[core] - start[core], 0.5 * (full[core] - start[core]), atol=1e-5)
    assert painted_detail(start, painting, mask, 2.0, 0.0) is start
    assert painted_detail(start, painting, np.zeros((200, 200), np.float32), 2.0, 1.0) is start


def test_the_fine_scale_is_what_the_coarse_run_cannot_hold():
    assert detail_sigma(0.5) == 2.0 and detail_sigma(1.0) == 1.0
