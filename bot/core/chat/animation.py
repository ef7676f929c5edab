"""The animated before -> after posted with results: the naive paste dissolving into the painting.

An endlessly looping GIF (both platforms play GIFs inline; Telegram turns them into its own
animations), a few hundred kB: far under Discord's 10 MiB per file and Telegram's 50 MB.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

SIDE = 480  # px, the animation's longest side
FADE_FRAMES = 6  # frames between the two pictures
HOLD_MS = 1200  # how long each end is shown
FADE_MS = 90  # each frame of the dissolve
MAX_BYTES = 8 * 2**20  # under Discord's 10 MiB default upload limit (docs/bot-conventions.md §1)


def before_after_frames(before: Image.Image, after: Image.Image, fade_frames: int = FADE_FRAMES) -> list[Image.Image]:
    """Frames from `before` to `after` and back: two holds and a dissolve each way (RGB, same size)."""
    a = np.asarray(before.convert("RGB"), dtype=np.float32)
    b = np.asarray(after.convert("RGB").resize(before.size, Image.Resampling.LANCZOS), dtype=np.float32)
    steps = [k / (fade_frames + 1) for k in range(1, fade_frames + 1)]
    forward = [Image.fromarray(np.round(a + t * (b - a)).astype(np.uint8)) for t in steps]
    return [Image.fromarray(a.astype(np.uint8)), *forward, Image.fromarray(b.astype(np.uint8)), *reversed(forward)]


def frame_durations(fade_frames: int = FADE_FRAMES) -> list[int]:
    """Milliseconds of each frame of `before_after_frames`."""
    return [HOLD_MS, *[FADE_MS] * fade_frames, HOLD_MS, *[FADE_MS] * fade_frames]


def before_after_gif(before: Path, after: Path, side: int = SIDE, max_bytes: int = MAX_BYTES) -> bytes:
    """A looping GIF from the `before` image file to the `after` one, longest side `side` px.

    Shrinks until it is at most `max_bytes`; raises ValueError if even 64 px does not fit.
    """
    with Image.open(before) as first, Image.open(after) as second:
        start, end = first.convert("RGB"), second.convert("RGB")
    while side >= 64:
        small = start.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        frames = before_after_frames(small, end)
        buffer = io.BytesIO()
        frames[0].save(
            buffer, "GIF", save_all=True, append_images=frames[1:], duration=frame_durations(), loop=0, optimize=True
        )
        data = buffer.getvalue()
        if len(data) <= max_bytes:
            return data
        side = side * 3 // 4
    raise ValueError(f"the animation does not fit in {max_bytes} bytes")
