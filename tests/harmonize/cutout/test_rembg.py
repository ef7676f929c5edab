"""The rembg back end: model file from a setting, or downloaded once with a checksum; a fake session.

rembg itself and its 176 MB model cannot be fetched here: a stand-in module with rembg's public
API (new_session("u2net_custom", model_path=...), remove(only_mask=True)) checks the wiring, and
an httpx MockTransport plays the model's download server. The real model runs where it can be
fetched (the last test), and skips with the reason otherwise.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import types
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from harmonize.cutout import CutoutError, cut_out, cut_out_with_method, rembg_model
from harmonize.cutout.rembg_model import RembgBackend, resolve_model

MODEL_BYTES = b"not really an onnx file, but a stand-in's weights"


def disc_photo() -> np.ndarray:
    photo = np.full((120, 160, 3), (200, 220, 235), np.uint8)
    cv2.circle(photo, (80, 60), 30, (200, 40, 30), -1)
    return photo


class FakeRembg:
    """rembg's module API; its session answers a disc-shaped mask of the photo it is given."""

    def __init__(self) -> None:
        self.sessions: list[tuple[str, str]] = []
        self.module = types.ModuleType("rembg")
        self.module.new_session = self.new_session
        self.module.remove = self.remove

    def new_session(self, name: str, model_path: str) -> object:
        self.sessions.append((name, model_path))
        return object()

    @staticmethod
    def remove(image: Image.Image, session: object, only_mask: bool) -> Image.Image:
        assert only_mask
        mask = np.zeros((image.height, image.width), np.uint8)
        cv2.circle(mask, (image.width // 2, image.height // 2), min(image.size) // 4, 255, -1)
        return Image.fromarray(mask)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeRembg:
    stand_in = FakeRembg()
    monkeypatch.setitem(sys.modules, "rembg", stand_in.module)
    monkeypatch.setenv("PAINTERLY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PAINTERLY_REMBG_MODEL", raising=False)
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)  # saliency is the fallback
    return stand_in


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


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rembg", None)  # import rembg -> ImportError, as when not installed
    with pytest.raises(CutoutError, match=r"pip install painterly\[rembg\]"):
        cut_out(disc_photo(), method="rembg")


def test_a_model_file_on_disk_is_used_without_downloading(fake: FakeRembg, monkeypatch, tmp_path: Path) -> None:
    model = tmp_path / "my-u2net.onnx"
    model.write_bytes(MODEL_BYTES)
    monkeypatch.setenv("PAINTERLY_REMBG_MODEL", str(model))
    server = ModelServer()
    backend = RembgBackend(client=server.client())
    assert backend.model == model and server.requests == 0
    assert fake.sessions == [("u2net_custom", str(model))]
    other = tmp_path / "other.onnx"
    other.write_bytes(MODEL_BYTES)
    assert RembgBackend(model_path=other).model == other  # the API argument wins over the setting


def test_a_missing_model_file_names_the_setting(fake: FakeRembg, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAINTERLY_REMBG_MODEL", str(tmp_path / "absent.onnx"))
    with pytest.raises(CutoutError, match="absent.onnx does not exist: check PAINTERLY_REMBG_MODEL"):
        RembgBackend()


def test_the_model_is_downloaded_once_into_the_cache_and_checked(
    fake: FakeRembg, monkeypatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(rembg_model, "MODEL_MD5", hashlib.md5(MODEL_BYTES).hexdigest())
    server = ModelServer()
    with caplog.at_level(logging.WARNING, logger="harmonize.cutout.rembg_model"):
        first = RembgBackend(client=server.client())
    cached = tmp_path / "cache" / "rembg" / "u2net.onnx"
    assert first.model == cached and cached.read_bytes() == MODEL_BYTES
    assert any("Downloading rembg's model (176 MB) once into" in r.getMessage() for r in caplog.records)
    RembgBackend(client=server.client())
    assert server.requests == 1  # the second back end found the checked file
    cached.write_bytes(b"truncated")  # a damaged cache is fetched again
    RembgBackend(client=server.client())
    assert server.requests == 2 and cached.read_bytes() == MODEL_BYTES


def test_a_download_that_fails_its_checksum_is_refused_and_removed(fake: FakeRembg, tmp_path: Path) -> None:
    with pytest.raises(CutoutError, match="does not match its checksum"):
        RembgBackend(client=ModelServer(body=b"an altered file").client())
    assert not list((tmp_path / "cache" / "rembg").iterdir())  # neither the model nor a partial file


def test_offline_download_says_how_to_point_at_a_file(fake: FakeRembg) -> None:
    with pytest.raises(CutoutError, match="set PAINTERLY_REMBG_MODEL to a u2net.onnx already on disk"):
        RembgBackend(client=ModelServer(fail=True).client())
    with pytest.raises(CutoutError, match="not downloaded yet"):
        resolve_model(download=False)


def test_the_session_mask_becomes_the_cut_out_and_a_box_limits_it(fake: FakeRembg, monkeypatch, tmp_path) -> None:
    model = tmp_path / "u2net.onnx"
    model.write_bytes(MODEL_BYTES)
    monkeypatch.setenv("PAINTERLY_REMBG_MODEL", str(model))
    rgba, used = cut_out_with_method(disc_photo(), method="auto")  # installed: auto tries rembg first
    assert used == "rembg"
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * 30**2, rel=0.1)  # the fake's disc: min side / 4
    matte = RembgBackend().matte(disc_photo(), (0, 0, 80, 120))
    assert matte[:, 80:].max() == 0 and matte[:, :80].max() == 1  # the session saw only the box


def test_auto_falls_back_to_the_offline_method_when_the_model_cannot_be_had(fake: FakeRembg, monkeypatch) -> None:
    monkeypatch.setattr(rembg_model, "MODEL_URL", "http://127.0.0.1:9/u2net.onnx")  # refused at once
    rgba, used = cut_out_with_method(disc_photo(), method="auto")
    assert used == "saliency" and (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * 30**2, rel=0.05)


def test_a_rembg_that_refuses_the_model_folder_is_a_clear_error_and_auto_falls_back(
    fake: FakeRembg, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(name: str, model_path: str) -> object:  # what rembg 2.0.86 raises for a path outside ~/.rembg
        raise ValueError("model_path must be within the models directory: /home/user/.rembg")

    monkeypatch.setattr(fake.module, "new_session", refuse)
    model = tmp_path / "u2net.onnx"
    model.write_bytes(MODEL_BYTES)
    monkeypatch.setenv("PAINTERLY_REMBG_MODEL", str(model))
    with pytest.raises(CutoutError, match=f"only opens models inside its own folder .*set REMBG_HOME to {tmp_path}"):
        RembgBackend()
    _, used = cut_out_with_method(disc_photo(), method="auto")
    assert used == "saliency"


def test_the_real_rembg_model_cuts_out_a_disc() -> None:
    try:
        import rembg  # noqa: F401
    except ImportError:
        pytest.skip("rembg is not installed here (pip install painterly[rembg])")
    try:
        resolve_model()
    except CutoutError as error:
        pytest.skip(f"rembg's model cannot be had here: {error}")
    rgba = cut_out(disc_photo(), method="rembg")
    assert (rgba[..., 3] > 127).sum() == pytest.approx(np.pi * 30**2, rel=0.15)
