"""The object's colours along a soft edge, with the photo's background taken out (blur fusion)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from harmonize.cutout import Cutter
from harmonize.cutout.base import Box, CutoutBackend
from harmonize.cutout.foreground import foreground_colours

OBJECT = np.array([200, 40, 30], np.float32)  # a red object...
BACKGROUND = np.array([40, 180, 60], np.float32)  # ...photographed on green


def soft_disc(size: int = 200, radius: int = 50, sigma: float = 3.0) -> np.ndarray:
    """(size, size) float32 alpha in [0, 1]: a disc whose edge is a few pixels soft."""
    alpha = np.zeros((size, size), np.float32)
    cv2.circle(alpha, (size // 2, size // 2), radius, 1.0, -1)
    return np.clip(cv2.GaussianBlur(alpha, (0, 0), sigma) * 1.02, 0.0, 1.0)


def photographed(alpha: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: the red object over the green background through `alpha`."""
    a = alpha[..., None]
    return np.round(a * OBJECT + (1.0 - a) * BACKGROUND).astype(np.uint8)


def test_the_background_is_taken_out_of_the_soft_edge() -> None:
    alpha = soft_disc()
    photo = photographed(alpha)
    colours = foreground_colours(photo, alpha)
    edge = (alpha > 0.2) & (alpha < 0.8)
    before = np.abs(photo[edge].astype(np.float32) - OBJECT).mean()
    after = np.abs(colours[edge].astype(np.float32) - OBJECT).mean()
    assert before > 40  # the photo's edge is half green
    assert after < 0.25 * before


def test_opaque_pixels_keep_the_photos_colours() -> None:
    alpha = soft_disc()
    photo = photographed(alpha)
    photo[95:105, 95:105] = (250, 250, 250)  # a highlight inside the object
    colours = foreground_colours(np.dstack([photo, np.full(alpha.shape, 255, np.uint8)]), alpha)
    solid = alpha >= 1.0
    assert solid.sum() > 5000
    np.testing.assert_array_equal(colours[solid], photo[solid])


class SoftModel(CutoutBackend):
    """A stand-in for a segmentation model: the disc, unsure inside (0.7), with a soft edge."""

    name = "soft-model"

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        return 0.7 * soft_disc() / max(float(soft_disc().max()), 1e-6)


@pytest.mark.parametrize(("method", "estimated"), [("soft-model", True), ("alpha", False)])
def test_a_models_cutout_is_opaque_with_clean_edges_and_a_users_alpha_is_kept(
    method: str, estimated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    alpha = soft_disc()
    photo = photographed(alpha)
    cutter = Cutter()
    if estimated:
        monkeypatch.setattr("harmonize.cutout.core.new_backend", lambda name, settings: SoftModel())
        image = photo
    else:  # the user's own cut-out PNG: its alpha is 0.7 inside, on purpose
        image = np.dstack([photo, np.round(0.7 * alpha * 255).astype(np.uint8)])
    rgba, used = cutter.cut_out(image, method)
    assert used == method
    centre = rgba[rgba.shape[0] // 2, rgba.shape[1] // 2]
    soft = (rgba[..., 3] > 40) & (rgba[..., 3] < 150)
    edge_error = np.abs(rgba[..., :3][soft].astype(np.float32) - OBJECT).mean()
    if estimated:
        assert centre[3] == 255  # the model's doubt is not a see-through object
        assert edge_error < 20  # no green fringe
    else:
        assert centre[3] == round(0.7 * 255)
        assert edge_error > 40  # the user's pixels, as given
