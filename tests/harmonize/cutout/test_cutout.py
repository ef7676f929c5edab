"""Cut-out back ends alpha, grabcut and rembg, the clean-up, the `auto` choice and bad inputs."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from harmonize.cutout import (
    CutoutError,
    CutoutSettings,
    Cutter,
    auto_method,
    auto_methods,
    cut_out,
    new_backend,
)
from harmonize.cutout.cleanup import clean_matte
from harmonize.cutout.core import crop_to_object
from harmonize.cutout.grabcut import GrabCutBackend

BACKGROUND = (200, 220, 235)


def disc_photo(height: int = 120, width: int = 160, radius: int = 30, noise: float = 6.0) -> np.ndarray:
    """A red disc centred on a noisy pale-blue background, (h, w, 3) uint8."""
    rng = np.random.default_rng(0)
    photo = np.full((height, width, 3), BACKGROUND, np.float32) + rng.normal(0, noise, (height, width, 3))
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    cv2.circle(photo, (width // 2, height // 2), radius, (200, 40, 30), -1)
    return photo


def disc_alpha(height: int = 120, width: int = 160, radius: int = 30) -> np.ndarray:
    alpha = np.zeros((height, width), np.uint8)
    cv2.circle(alpha, (width // 2, height // 2), radius, 255, -1)
    return alpha


@pytest.fixture(autouse=True)
def no_remove_bg_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)


def test_grabcut_finds_the_disc_and_crops_to_it() -> None:
    rgba = cut_out(disc_photo(), method="grabcut")
    solid = rgba[..., 3] > 127
    assert abs(solid.sum() - np.pi * 30**2) < 0.04 * np.pi * 30**2
    assert rgba.shape[0] == rgba.shape[1] and 61 <= rgba.shape[0] <= 61 + 2 * 6  # disc + small margin
    assert rgba[..., 3][0].max() == 0 and rgba[..., 3][:, 0].max() == 0  # transparent margin
    centre = rgba[rgba.shape[0] // 2, rgba.shape[1] // 2]
    assert tuple(centre) == (200, 40, 30, 255)


def test_grabcut_handles_a_flat_jpeg_background() -> None:
    flat = disc_photo(noise=0.0)
    buffer = io.BytesIO()
    Image.fromarray(flat).save(buffer, format="JPEG", quality=95)
    photo = np.asarray(Image.open(buffer))
    matte = GrabCutBackend().matte(photo, None) > 0.5
    assert (matte ^ (disc_alpha() > 0)).sum() < 200  # 2074 without the dither: ringing read as object
    assert cut_out(photo, method="grabcut").shape == (69, 69, 4)  # the disc (61 px) and its margin


def test_grabcut_uses_the_box_and_ignores_what_lies_outside() -> None:
    photo = disc_photo(radius=20)
    cv2.rectangle(photo, (2, 2), (30, 30), (20, 120, 20), -1)  # a second object in the corner
    rgba = cut_out(photo, method="grabcut", box=(50, 30, 110, 90))
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * 20**2, rel=0.06)
    assert not np.any((rgba[..., 1] > 100) & (rgba[..., 0] < 60) & (rgba[..., 3] > 0))  # no green


def test_grabcut_box_covering_the_whole_photo_is_a_clear_error() -> None:
    with pytest.raises(CutoutError, match="tighter"):
        cut_out(disc_photo(), method="grabcut", box=(0, 0, 160, 120))


def test_alpha_backend_keeps_soft_edges_and_crops() -> None:
    photo = disc_photo()
    alpha = disc_alpha()
    alpha = cv2.GaussianBlur(alpha, (0, 0), 1.5)
    alpha[5, 5] = 255  # a speck: dropped
    rgba = cut_out(np.dstack([photo, alpha]), method="alpha")
    visible = np.where(alpha > 2, alpha, 0)  # cleanup.FAINT: alpha <= 2/255 is dropped
    visible[5, 5] = 0
    assert rgba[..., 3].sum(dtype=np.int64) == visible.sum(dtype=np.int64), "the soft edge survives untouched"
    rows = np.flatnonzero(visible.any(axis=1))
    assert rgba.shape[:2] == (rows[-1] - rows[0] + 1 + 2 * 2,) * 2  # plus a 2 px margin


def test_alpha_backend_rejects_an_opaque_image() -> None:
    photo = np.dstack([disc_photo(), np.full((120, 160), 255, np.uint8)])
    with pytest.raises(CutoutError, match="no transparent background"):
        cut_out(photo, method="alpha")


def test_auto_prefers_alpha_then_the_configured_services_then_the_best_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)  # rembg's model not on disk
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)
    photo = disc_photo()
    assert auto_methods(np.dstack([photo, disc_alpha()])) == ["alpha"]
    assert auto_methods(np.dstack([photo, np.full((120, 160), 255, np.uint8)])) == ["saliency"]
    assert auto_method(photo) == "saliency" and auto_method(photo, boxed=True) == "grabcut"
    keyed = CutoutSettings(remove_bg_api_key="key")
    assert auto_methods(photo, settings=keyed) == ["removebg", "saliency"]
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: True)  # onnxruntime and its model
    assert auto_methods(photo, settings=keyed) == ["removebg", "rembg", "saliency"]


def test_auto_falls_back_to_the_offline_method_when_removebg_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)
    monkeypatch.setattr("harmonize.cutout.removebg.REMOVE_BG_URL", "http://127.0.0.1:9/removebg")  # refused
    cutter = Cutter(CutoutSettings(remove_bg_api_key="key"))
    rgba, used = cutter.cut_out(disc_photo(), method="auto")
    assert used == "saliency"
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * 30**2, rel=0.04)
    with pytest.raises(CutoutError, match="remove.bg is unavailable"):
        cut_out(disc_photo(), method="removebg", cutter=cutter)


def test_removebg_without_a_key_says_how_to_set_one() -> None:
    with pytest.raises(CutoutError, match="REMOVE_BG_API_KEY"):
        new_backend("removebg")


def test_unknown_method_lists_the_methods() -> None:
    with pytest.raises(CutoutError, match="auto, alpha, grabcut, saliency, u2netp, removebg, rembg"):
        cut_out(disc_photo(), method="magic")


def test_cleanup_keeps_the_main_components_fills_small_holes_and_drops_specks() -> None:
    alpha = np.zeros((100, 100), np.float32)
    alpha[20:60, 10:50] = 1.0  # main object
    alpha[20:50, 60:85] = 1.0  # second object, 47 % of the main one: kept
    alpha[90:93, 90:93] = 1.0  # speck: dropped
    alpha[35:40, 25:30] = 0.0  # small hole: filled
    alpha[0:15, :] = 1 / 255  # faint haze, not attached to the objects: dropped
    cleaned = clean_matte(alpha, smooth_edge=False)
    assert cleaned[37, 27] == 1.0 and cleaned[35, 70] == 1.0
    assert cleaned[91, 91] == 0.0 and cleaned[:15].max() == 0.0


def test_cleanup_keeps_a_large_hole() -> None:
    alpha = np.zeros((100, 100), np.float32)
    alpha[10:90, 10:90] = 1.0
    alpha[30:70, 30:70] = 0.0  # 1600 px inside a 4800 px ring: a real opening
    assert clean_matte(alpha, smooth_edge=False)[50, 50] == 0.0


def test_cleanup_smooths_a_jagged_binary_edge() -> None:
    alpha = np.zeros((200, 200), np.float32)
    alpha[50:150, 50:150] = 1.0
    alpha[50:150:4, 150] = 1.0  # one-pixel spurs along the right edge
    cleaned = clean_matte(alpha, smooth_edge=True)
    assert cleaned[60:140:4, 151].max() < 0.5
    assert 0.0 < cleaned[100, 150] < 1.0  # antialiased edge
    assert cleaned[100, 100] == pytest.approx(1.0)


def test_cleanup_makes_an_unsure_matte_opaque_inside_and_keeps_its_soft_edge() -> None:
    alpha = np.zeros((1000, 1000), np.float32)  # the edge band: 5 px
    alpha[200:800, 200:800] = 0.7  # a model unsure of the whole object
    alpha[200:800, 198:200] = 0.3  # a soft edge just outside it
    alpha[500, 800:820] = 0.2  # a hair attached to it
    cleaned = clean_matte(alpha, smooth_edge=False)
    assert cleaned[500, 500] == 1.0 and cleaned[210, 210] == 1.0
    assert cleaned[500, 200] == pytest.approx(0.7)  # the edge keeps the matte's softness...
    assert cleaned[500, 203] == pytest.approx(0.8)  # ...then rises to opaque over the band
    assert cleaned[500, 198] == pytest.approx(0.3) and cleaned[500, 810] == pytest.approx(0.2)
    kept = clean_matte(alpha, smooth_edge=False, opaque=False)  # a user's own alpha
    assert kept[500, 500] == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("alpha", "message"),
    [
        (np.zeros((100, 100), np.float32), "No object was found"),
        (np.pad(np.ones((6, 6), np.float32), 47), "covers only"),  # 0.36 % of the photo
        (np.ones((100, 100), np.float32), "whole photo"),
    ],
)
def test_cleanup_rejects_empty_tiny_and_full_masks(alpha: np.ndarray, message: str) -> None:
    with pytest.raises(CutoutError, match=message):
        clean_matte(alpha, smooth_edge=False)


def test_full_alpha_object_is_rejected_end_to_end() -> None:
    photo = np.dstack([disc_photo(), np.full((120, 160), 255, np.uint8)])
    photo[0, 0:2, 3] = 0
    photo[1:200, 0, 3] = 0  # 120 transparent pixels = 0.6 %: a meaningful alpha, yet 99.4 % full
    with pytest.raises(CutoutError, match="whole photo"):
        cut_out(photo, method="alpha")


@pytest.mark.parametrize("box", [(100, 10, 50, 90), (10, 10, 14, 90), (500, 500, 600, 600)])
def test_bad_boxes_are_rejected(box: tuple[int, int, int, int]) -> None:
    with pytest.raises(CutoutError, match="x0 < x1"):
        cut_out(disc_photo(), method="grabcut", box=box)


def test_non_photo_arrays_are_rejected() -> None:
    with pytest.raises(CutoutError, match="RGB or RGBA"):
        cut_out(np.zeros((50, 50), np.uint8))


def test_crop_margin_is_clamped_to_the_image() -> None:
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[0:10, 30:40, 3] = 255
    assert crop_to_object(rgba).shape == (12, 12, 4)
