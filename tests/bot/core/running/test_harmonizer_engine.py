"""The bot's engine cuts the object out once: a preview's cut-out is pasted as it is, a photo is cut out.

The network is replaced by a recorder (the real engine end to end: test_real_engine.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from bot.core.running.engine_request import EngineRequest
from bot.core.running.harmonizer_engine import HarmonizerEngine
from harmonize.cutout import Cutter
from harmonize.options import HarmonizeOptions
from harmonize.types import HarmonizeResult, Placement
from tests.support.fake_onnxruntime import disc_photo


class RecordingHarmonizer:
    """Stands in for harmonize.Harmonizer: keeps the cut-out it was given, returns flat images."""

    def __init__(self) -> None:
        self.cutouts: list[np.ndarray] = []

    def run_object(self, painting, rgba, placement, options, progress) -> HarmonizeResult:
        self.cutouts.append(rgba)
        flat = np.full((24, 32, 3), 0.5, np.float32)
        mask = np.zeros((24, 32), np.float32)
        return HarmonizeResult(flat, flat, mask, mask, flat, flat, flat, tau=5.0)


class CountingCutter(Cutter):
    """A Cutter that counts its cut-outs."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def cut_out(self, image, method="auto", box=None):
        self.calls += 1
        return super().cut_out(image, method, box)


def engine() -> HarmonizerEngine:
    """A HarmonizerEngine whose network is the recorder (its constructor would load VGG)."""
    built = HarmonizerEngine.__new__(HarmonizerEngine)
    built.harmonizer = RecordingHarmonizer()  # type: ignore[assignment]
    built.cutter = CountingCutter()
    return built


def request(tmp_path: Path, object_file: str, is_cutout: bool) -> EngineRequest:
    Image.fromarray(np.full((48, 64, 3), 90, np.uint8)).save(tmp_path / "painting.png")
    (tmp_path / "out").mkdir(exist_ok=True)
    return EngineRequest(
        "j1",
        str(tmp_path / "painting.png"),
        str(tmp_path / object_file),
        str(tmp_path / "out"),
        Placement(),
        HarmonizeOptions(size=64),
        object_is_cutout=is_cutout,
    )


def test_a_previews_cut_out_is_pasted_as_it_is(tmp_path: Path) -> None:
    rgba = np.zeros((60, 50, 4), np.uint8)
    rgba[5:55, 5:45] = (200, 30, 30, 255)  # a cut-out whose margin the clean-up would crop again
    Image.fromarray(rgba, "RGBA").save(tmp_path / "cutout.png")
    run = engine()
    run(request(tmp_path, "cutout.png", is_cutout=True), lambda progress: None)
    assert run.cutter.calls == 0  # type: ignore[attr-defined]
    assert np.array_equal(run.harmonizer.cutouts[0], rgba)  # type: ignore[attr-defined]
    assert (tmp_path / "out" / "final.png").is_file()


def test_a_photo_is_cut_out_by_the_engines_own_cutter(tmp_path: Path) -> None:
    Image.fromarray(disc_photo()).save(tmp_path / "photo.png")
    run = engine()
    run(request(tmp_path, "photo.png", is_cutout=False), lambda progress: None)
    assert run.cutter.calls == 1  # type: ignore[attr-defined]
    cut = run.harmonizer.cutouts[0]  # type: ignore[attr-defined]
    assert cut.shape[2] == 4 and cut[..., 3].min() == 0 and cut[..., 3].max() == 255
