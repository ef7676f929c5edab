"""The before -> after GIF: starts on the naive paste, dissolves into the result, loops, fits."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.core.chat.animation import FADE_FRAMES, HOLD_MS, before_after_gif


def _save(path: Path, colour: tuple[int, int, int], size=(300, 200), noise: bool = False) -> Path:
    pixels = np.full((size[1], size[0], 3), colour, np.uint8)
    if noise:
        pixels = np.random.default_rng(0).integers(0, 256, pixels.shape, dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def test_the_gif_goes_from_before_to_after_and_back(tmp_path: Path) -> None:
    before = _save(tmp_path / "before.png", (200, 30, 30))
    after = _save(tmp_path / "after.png", (30, 30, 200))
    data = before_after_gif(before, after, side=120)
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.format == "GIF" and max(gif.size) == 120 and gif.info.get("loop") == 0
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append((np.asarray(gif.convert("RGB"), dtype=int).mean(axis=(0, 1)), gif.info["duration"]))
    assert len(frames) == 2 * FADE_FRAMES + 2
    assert frames[0][1] == HOLD_MS and frames[FADE_FRAMES + 1][1] == HOLD_MS
    reds = [colour[0] for colour, _ in frames]
    assert reds[0] > 180 and reds[FADE_FRAMES + 1] < 50
    assert reds[: FADE_FRAMES + 2] == sorted(reds[: FADE_FRAMES + 2], reverse=True)


def test_a_gif_over_the_byte_limit_shrinks_or_is_refused(tmp_path: Path) -> None:
    before = _save(tmp_path / "before.png", (0, 0, 0), noise=True)
    after = _save(tmp_path / "after.png", (255, 255, 255))
    big = before_after_gif(before, after, side=160)
    small = before_after_gif(before, after, side=160, max_bytes=len(big) // 2)
    assert len(small) <= len(big) // 2
    with Image.open(io.BytesIO(small)) as gif:
        assert max(gif.size) < 160
    with pytest.raises(ValueError):
        before_after_gif(before, after, side=100, max_bytes=100)
