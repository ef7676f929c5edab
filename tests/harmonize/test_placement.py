"""Placement arithmetic (centre, size, clamping, oversize objects) and the premultiplied blend."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harmonize.placement import compose, object_rectangle
from harmonize.types import Placement


def solid_object(height: int, width: int, colour: tuple[int, int, int] = (255, 0, 0), margin: int = 0) -> np.ndarray:
    """An opaque (height, width) block inside `margin` transparent pixels, (h, w, 4) uint8."""
    rgba = np.zeros((height + 2 * margin, width + 2 * margin, 4), np.uint8)
    rgba[margin : margin + height, margin : margin + width] = (*colour, 255)
    return rgba


def bounds(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def test_centre_and_height_are_exact() -> None:
    painting = np.full((120, 200, 3), 0.5, np.float32)
    naive, mask = compose(painting, solid_object(60, 30, margin=5), Placement(x=0.25, y=0.5, height=0.25))
    top, bottom, left, right = bounds(mask > 0)
    assert bottom - top == 30 and right - left == 15  # 25 % of 120 tall, aspect ratio kept
    assert (top + bottom) / 2 == 60 and (left + right) / 2 == pytest.approx(50, abs=0.5)
    assert np.all(mask[top:bottom, left:right] == 1.0) and mask.sum() == 30 * 15
    assert np.allclose(naive[top:bottom, left:right], (1.0, 0.0, 0.0))
    outside = np.ones(mask.shape, bool)
    outside[top:bottom, left:right] = False
    assert np.all(naive[outside] == 0.5)
    assert naive.dtype == np.float32 and mask.dtype == np.float32


def test_default_placement_is_lower_centre_one_third() -> None:
    top, left, height, width = object_rectangle((300, 400), (50, 50), Placement())
    assert height == 100 and width == 100
    assert left == 150 and top + height / 2 == pytest.approx(0.62 * 300, abs=0.5)


def test_object_sticking_out_is_moved_inside() -> None:
    assert object_rectangle((100, 100), (10, 10), Placement(x=0.0, y=1.0, height=0.4)) == (60, 0, 40, 40)
    assert object_rectangle((100, 100), (10, 10), Placement(x=1.0, y=0.0, height=0.4)) == (0, 60, 40, 40)


def test_wide_object_is_scaled_down_to_the_painting_width() -> None:
    top, left, height, width = object_rectangle((100, 80), (10, 40), Placement(x=0.5, y=0.5, height=1.0))
    assert (width, height, left) == (80, 20, 0) and top == 40


def test_object_as_tall_as_the_painting_fills_its_height() -> None:
    painting = np.zeros((64, 64, 3), np.float32)
    _, mask = compose(painting, solid_object(500, 100), Placement(x=0.5, y=0.9, height=1.0))
    top, bottom, left, right = bounds(mask > 0)
    assert (top, bottom) == (0, 64) and right - left == 13


def test_premultiplied_blend_leaves_no_dark_fringe() -> None:
    painting = np.ones((40, 40, 3), np.float32)  # white painting
    alpha = np.zeros((63, 63), np.uint8)
    cv2.circle(alpha, (31, 31), 30, 255, -1, lineType=cv2.LINE_AA)  # a disc with a soft edge
    white = np.where(alpha[..., None] > 0, 255, 0).astype(np.uint8)  # black where transparent
    rgba = np.dstack([white, white, white, alpha])
    for height in (0.5, 1.0):  # 63 -> 20 rows (INTER_AREA) and 63 -> 40 rows
        naive, mask = compose(painting, rgba, Placement(x=0.5, y=0.5, height=height))
        assert naive.min() > 0.995, "white on white stays white at every edge"
        assert mask[mask > 0].min() < 0.5  # there is a soft edge to get wrong


def test_downscaling_averages_alpha() -> None:
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[...] = (0, 0, 0, 255)
    rgba[:, :4, 3] = 0  # left half transparent
    rgba[0, 0, 3] = 255  # keeps the bounding box 8 x 8
    _, mask = compose(np.ones((16, 16, 3), np.float32), rgba, Placement(x=0.5, y=0.5, height=0.25))
    assert mask.sum() == pytest.approx(rgba[..., 3].sum() / 255 / 4, abs=1e-5)  # 8x8 -> 4x4 area average
    assert mask[6, 6] == 0.25 and mask[7, 6] == 0.0


@pytest.mark.parametrize(
    ("placement", "message"),
    [
        (Placement(x=-0.1), "Placement x"),
        (Placement(y=1.5), "Placement y"),
        (Placement(height=0.0), "Placement height"),
        (Placement(height=1.2), "Placement height"),
        (Placement(x=float("nan")), "Placement x"),
        (Placement(height=0.001), "make its height larger"),
    ],
)
def test_bad_placements_are_clear_errors(placement: Placement, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compose(np.zeros((300, 300, 3), np.float32), solid_object(10, 10), placement)


def test_bad_objects_are_clear_errors() -> None:
    painting = np.zeros((50, 50, 3), np.float32)
    with pytest.raises(ValueError, match="fully transparent"):
        compose(painting, np.zeros((10, 10, 4), np.uint8), Placement())
    with pytest.raises(ValueError, match="RGBA cut-out"):
        compose(painting, np.zeros((10, 10, 3), np.uint8), Placement())
    with pytest.raises(ValueError, match="colour image"):
        compose(np.zeros((50, 50), np.float32), solid_object(5, 5), Placement())
