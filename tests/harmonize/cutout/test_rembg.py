"""The rembg back end: rembg's U^2-Net file, set or downloaded once with a checksum, run by onnxruntime.

The 176 MB model cannot be fetched here: a stand-in onnxruntime module
(tests/support/fake_onnxruntime.py) checks the wiring, and an httpx MockTransport plays the
model's download server. The rembg package is never imported (it is marked missing throughout).
The real model runs where it is on disk (the last test), and skips with the reason otherwise.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest

from harmonize.cutout import CutoutError, CutoutSettings, Cutter, auto_methods, cut_out, rembg_model
from harmonize.cutout.rembg_model import RembgBackend, rembg_ready, resolve_model
from harmonize.cutout.u2netp import INPUT_SIDE
from tests.support.fake_onnxruntime import DISC_RADIUS, FakeOnnxRuntime, disc_photo

MODEL_BYTES = b"not really an onnx file, but a stand-in's weights"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeOnnxRuntime:
    stand_in = FakeOnnxRuntime()
    monkeypatch.setitem(sys.modules, "onnxruntime", stand_in.module)
    monkeypatch.setitem(sys.modules, "rembg", None)  # the rembg package is not needed
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)  # saliency is the fallback
    return stand_in


@pytest.fixture
def cache(tmp_path: Path) -> CutoutSettings:
    """Settings with no model named: downloads go to a fresh cache folder."""
    return CutoutSettings(cache_dir=tmp_path / "cache")


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A stand-in model file on disk."""
    path = tmp_path / "my-u2net.onnx"
    path.write_bytes(MODEL_BYTES)
    return path


@pytest.fixture
def named(model: Path, cache: CutoutSettings) -> CutoutSettings:
    """Settings that name the stand-in model file (PAINTERLY_REMBG_MODEL)."""
    return CutoutSettings(rembg_model=model, cache_dir=cache.cache_dir)


class ModelServer:
    """An httpx transport serving the model file; counts the requests."""

    def __init__(self, body: bytes = MODEL_BYTES, fail: bool = False) -> None:
        self.body, self.fail, self.requests = body, fail, 0

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.fail:
            raise httpx.ConnectError("no route to host", request=request)
        assert str(request.url) == rembg_model.MODEL_URL
        return httpx.Response(200, content=self.body)


def test_without_onnxruntime_it_says_how_to_install_before_downloading(fake, monkeypatch, cache) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    server = ModelServer()
    with pytest.raises(CutoutError, match=r"rembg method needs onnxruntime \(pip install painterly\[rembg\]\)"):
        RembgBackend(cache, client=server.client())
    assert server.requests == 0


def test_a_model_file_on_disk_is_run_without_downloading(fake: FakeOnnxRuntime, model: Path, named) -> None:
    server = ModelServer()
    backend = RembgBackend(named, client=server.client())
    assert backend.model == model and server.requests == 0
    assert fake.models == [str(model)]  # opened by onnxruntime wherever it lives


def test_a_cutter_builds_its_back_end_once_for_every_cut_out(fake: FakeOnnxRuntime, model: Path, named) -> None:
    cutter = Cutter(named)
    for _ in range(3):
        assert cutter.cut_out(disc_photo(), "rembg")[1] == "rembg"
    assert fake.models == [str(model)]  # one ONNX session for three pictures (rembg's new_session)
    assert len(fake.inputs) == 3


def test_a_missing_model_file_names_the_setting(fake: FakeOnnxRuntime, tmp_path: Path) -> None:
    with pytest.raises(CutoutError, match="absent.onnx does not exist: check PAINTERLY_REMBG_MODEL"):
        RembgBackend(CutoutSettings(rembg_model=tmp_path / "absent.onnx"))
    assert fake.models == []


def test_the_model_is_downloaded_once_into_the_cache_and_checked(
    fake: FakeOnnxRuntime, monkeypatch, tmp_path: Path, cache, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(rembg_model, "MODEL_MD5", hashlib.md5(MODEL_BYTES).hexdigest())
    server = ModelServer()
    with caplog.at_level(logging.WARNING, logger="harmonize.cutout.rembg_model"):
        first = RembgBackend(cache, client=server.client())
    cached = tmp_path / "cache" / "rembg" / "u2net.onnx"
    assert first.model == cached and cached.read_bytes() == MODEL_BYTES and fake.models == [str(cached)]
    assert any("Downloading rembg's model (176 MB) once into" in r.getMessage() for r in caplog.records)
    RembgBackend(cache, client=server.client())
    assert server.requests == 1  # the second back end found the checked file
    cached.write_bytes(b"truncated")  # a damaged cache is fetched again
    RembgBackend(cache, client=server.client())
    assert server.requests == 2 and cached.read_bytes() == MODEL_BYTES


def test_a_download_that_fails_its_checksum_is_refused_and_removed(fake, tmp_path: Path, cache) -> None:
    with pytest.raises(CutoutError, match="does not match its checksum"):
        RembgBackend(cache, client=ModelServer(body=b"an altered file").client())
    assert not list((tmp_path / "cache" / "rembg").iterdir())  # neither the model nor a partial file
    assert fake.models == []


def test_offline_download_says_how_to_point_at_a_file(fake: FakeOnnxRuntime, cache) -> None:
    with pytest.raises(CutoutError, match="set PAINTERLY_REMBG_MODEL to a u2net.onnx already on disk"):
        RembgBackend(cache, client=ModelServer(fail=True).client())
    with pytest.raises(CutoutError, match="not downloaded yet"):
        resolve_model(cache, download=False)


def test_the_network_matte_becomes_the_cut_out_through_auto(fake: FakeOnnxRuntime, model: Path, named) -> None:
    rgba, used = Cutter(named).cut_out(disc_photo())  # the model is on disk: auto tries rembg first
    assert used == "rembg" and fake.models == [str(model)]
    assert fake.inputs[-1].shape == (1, 3, INPUT_SIDE, INPUT_SIDE)
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)


def test_with_a_box_the_network_sees_only_the_box(fake: FakeOnnxRuntime, named) -> None:
    photo = disc_photo((40, 60))
    cv2.circle(photo, (125, 60), DISC_RADIUS, (200, 40, 30), -1)  # a second disc, outside the box
    matte = RembgBackend(named).matte(photo, (0, 0, 80, 120))
    assert matte[:, 80:].max() == 0.0
    assert (matte > 0.5).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.1)
    seen = fake.inputs[-1][0, 0] - fake.inputs[-1][0, 2] > 1.0  # the box (80 px) stretched to 320 px
    assert seen.any(axis=0).sum() == pytest.approx(INPUT_SIDE * 60 / 80, rel=0.05)


def test_ready_means_onnxruntime_and_a_model_on_disk(fake, monkeypatch, tmp_path: Path, cache) -> None:
    assert not rembg_ready(cache)
    assert auto_methods(disc_photo(), settings=cache) == ["saliency"]  # auto never starts the download
    cached = tmp_path / "cache" / "rembg" / "u2net.onnx"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(MODEL_BYTES)  # downloaded by an earlier rembg cut-out
    assert rembg_ready(cache) and auto_methods(disc_photo(), settings=cache) == ["rembg", "saliency"]
    assert not rembg_ready(CutoutSettings(rembg_model=tmp_path / "absent.onnx"))  # a setting that names no file
    assert rembg_ready(CutoutSettings(rembg_model=cached))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    assert not rembg_ready(cache)


def test_auto_falls_back_when_a_damaged_cache_cannot_be_fetched_again(
    fake: FakeOnnxRuntime, monkeypatch, tmp_path: Path, cache
) -> None:
    cached = tmp_path / "cache" / "rembg" / "u2net.onnx"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    monkeypatch.setattr(rembg_model, "MODEL_URL", "http://127.0.0.1:9/u2net.onnx")  # refused at once
    rgba, used = Cutter(cache).cut_out(disc_photo())
    assert used == "saliency" and fake.models == []
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.05)


def test_the_real_rembg_model_cuts_out_a_disc_and_a_boxed_one() -> None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        pytest.skip("onnxruntime is not installed here (pip install painterly[rembg])")
    settings = CutoutSettings.from_environment(os.environ)  # a developer's PAINTERLY_REMBG_MODEL, if any
    try:
        resolve_model(settings, download=False)  # a test run never starts a 176 MB download
    except CutoutError as error:
        pytest.skip(f"rembg's 176 MB model is not on disk here and cannot be downloaded (no internet): {error}")
    cutter = Cutter(settings)
    rgba = cut_out(disc_photo(), method="rembg", cutter=cutter)
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.15)
    photo = disc_photo((40, 60))
    cv2.circle(photo, (125, 60), DISC_RADIUS, (30, 40, 200), -1)
    boxed = cut_out(photo, method="rembg", box=(0, 0, 80, 120), cutter=cutter)
    assert (boxed[..., 3] > 127).sum() == pytest.approx(np.pi * DISC_RADIUS**2, rel=0.15)
