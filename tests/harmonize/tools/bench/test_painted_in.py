"""The painted-in measure: an object carrying the painting's strokes and palette scores above a flat photo-like one."""

from __future__ import annotations

import cv2
import numpy as np
from skimage.color import rgb2lab

from harmonize.masks import dilate_mask
from harmonize.tools.bench.painted_in import MARKS_MIN, marks_similarity, painted_in, palette_share
from tests.harmonize.tools.bench.test_survival import SIZE, painting


def scene():
    """The striped painting, a disc mask with its loose mask, and the disc's pixels."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    tight = (np.hypot(x - SIZE / 2, y - SIZE / 2) < 40).astype(np.float32)
    return painting(), tight, dilate_mask(tight), tight > 0


def test_a_flat_photo_like_object_scores_below_one_carrying_the_paintings_strokes():
    base, tight, loose, inside = scene()
    flat = np.where(inside[..., None], np.array([0.9, 0.45, 0.2], np.float32), base)  # orange, no marks
    shaded = flat * (0.8 + 0.2 * np.linspace(0, 1, SIZE, dtype=np.float32))[None, :, None]  # a photo's smooth shading
    painted = np.where(inside[..., None], np.roll(base, 37, axis=1) * 0.9 + 0.03, base)  # strokes from elsewhere
    flat_score, shaded_score = painted_in(flat, base, tight, loose), painted_in(shaded, base, tight, loose)
    painted_score = painted_in(painted, base, tight, loose)
    assert painted_score.marks > MARKS_MIN > max(flat_score.marks, shaded_score.marks)
    assert painted_score.palette > 0.95 > 0.05 > flat_score.palette
    assert painted_score.painted_in > 2 * max(flat_score.painted_in, shaded_score.painted_in)
    assert painted_score.typical and not flat_score.typical


def test_marks_fall_as_the_strokes_are_smoothed_away():
    base, tight, loose, inside = scene()
    scores = []
    for sigma in (0.0, 1.0, 2.0, 4.0):
        smooth = base if sigma == 0 else cv2.GaussianBlur(base, (0, 0), sigma)
        result = np.where(inside[..., None], np.roll(smooth, 37, axis=1), base).astype(np.float32)
        scores.append(painted_in(result, base, tight, loose).marks)
    assert scores == sorted(scores, reverse=True) and scores[0] > 2 * scores[-1]


def test_palette_share_counts_object_colours_the_painting_uses():
    painting_lab = np.array([[50.0, 0.0, 0.0], [70.0, 20.0, 20.0]]).repeat(50, axis=0)
    inside, outside = (
        np.array([[52.0, 1.0, -1.0]]).repeat(40, axis=0),
        np.array([[20.0, 60.0, 60.0]]).repeat(40, axis=0),
    )
    assert palette_share(inside, painting_lab) == 1.0
    assert palette_share(outside, painting_lab) == 0.0
    assert palette_share(np.concatenate([inside, outside]), painting_lab) == 0.5


def test_marks_of_the_passages_themselves_are_one():
    base, tight, _, inside = scene()
    lab = rgb2lab(base)
    assert marks_similarity(lab, inside, lab, inside) == 1.0
