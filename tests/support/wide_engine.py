"""A fake engine whose pictures Telegram's sendPhoto refuses (aspect ratio over 20), run in the
bot's worker processes like tests/support/fake_engine.py, which it wraps."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bot.core.running.engine_request import EngineRequest
from tests.support import fake_engine

WIDE = (2100, 100)  # width / height = 21 > 20: not a photo for the Bot API


def wide(request: EngineRequest, progress: fake_engine.ProgressCallback) -> None:
    """The instant fake engine, then a too-wide result and side-by-side."""
    fake_engine.sleepy(request, progress)
    for name in ("final", "compare"):
        Image.new("RGB", WIDE, (90, 60, 30)).save(Path(request.output_dir) / f"{name}.png")
