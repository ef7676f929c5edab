"""A fast fake engine for the Discord tests, run in the core's worker processes.

It refuses a one-colour object photo as the real cut-out would ("No object found"), else steps
through the quality like tests/support/fake_engine.py's `sleepy` and writes five different noise
PNGs of SIDE px (about 28 KB each), big enough to test the upload limits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from bot.core.running.engine_request import EngineRequest, EngineUserError
from tests.support.fake_engine import RESULT_NAMES, ProgressCallback, sleepy

SIDE = 96


def paint_noise(request: EngineRequest, progress: ProgressCallback) -> None:
    """Refuse a blank object photo; otherwise sleep through the steps and write noise PNGs."""
    with Image.open(request.object_path) as photo:
        low, high = zip(*photo.convert("RGB").getextrema(), strict=True)
    if low == high:
        raise EngineUserError("No object found in the photo.")
    sleepy(request, progress)
    rng = np.random.default_rng(0)
    for name in RESULT_NAMES:
        pixels = rng.integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(Path(request.output_dir) / f"{name}.png")
