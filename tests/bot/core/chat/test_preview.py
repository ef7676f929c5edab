"""The preview renderer: the object placed where the state says, cut out once per method."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.chat.loop_state import LoopState, moved
from bot.core.chat.preview import PREVIEW_PIXELS, PreviewError, PreviewRenderer
from harmonize.cutout import Cutter
from tests.support.loop_images import (
    OBJECT_RGB,
    PAINTING_RGB,
    cutout_bytes,
    decode,
    painting_bytes,
    photo_bytes,
    write,
)


@pytest.fixture
def renderer():
    renderer = PreviewRenderer(Cutter())
    yield renderer
    renderer.close()


def _colour_at(image: np.ndarray, x: float, y: float) -> np.ndarray:
    h, w = image.shape[:2]
    return image[int(y * (h - 1)), int(x * (w - 1)), :3].astype(int)


def _close(a: np.ndarray, b: tuple[int, int, int], tolerance: int = 30) -> bool:
    return bool(np.abs(a - np.array(b)).max() <= tolerance)


async def test_the_object_is_where_the_state_puts_it(tmp_path: Path, renderer) -> None:
    painting = write(tmp_path, "painting.jpg", painting_bytes())
    photo = write(tmp_path, "object.png", cutout_bytes())
    state = LoopState(x=0.3, y=0.4, height=0.4)
    shown = await renderer.render("s1", painting, photo, state)
    image = decode(shown.image)
    assert image.shape[0] * image.shape[1] <= PREVIEW_PIXELS and shown.image[:2] == b"\xff\xd8"  # a JPEG
    assert shown.method == "alpha" and shown.methods[0] == "alpha"
    assert _close(_colour_at(image, 0.3, 0.4), OBJECT_RGB)
    assert _close(_colour_at(image, 0.7, 0.4), PAINTING_RGB)
    again = decode((await renderer.render("s1", painting, photo, moved(state, 8, 0))).image)
    assert _close(_colour_at(again, 0.7, 0.4), OBJECT_RGB)
    assert _close(_colour_at(again, 0.3, 0.4), PAINTING_RGB)


async def test_moves_reuse_the_cut_out(tmp_path: Path, renderer, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = renderer.cutter.cut_out

    def counting(image, method="auto", box=None):
        calls.append(method)
        return real(image, method, box)

    monkeypatch.setattr(renderer.cutter, "cut_out", counting)
    painting = write(tmp_path, "painting.jpg", painting_bytes())
    photo = write(tmp_path, "object.jpg", photo_bytes())
    state = LoopState(method="grabcut")
    for step in range(4):
        await renderer.render("s1", painting, photo, moved(state, step, 0))
    assert calls == ["grabcut"]
    png = await renderer.cutout_png("s1", painting, photo, "grabcut")
    assert calls == ["grabcut"]
    rgba = decode(png)
    assert rgba.shape[2] == 4 and rgba[..., 3].min() == 0 and rgba[..., 3].max() == 255


async def test_a_photo_without_an_object_is_refused_with_a_message(tmp_path: Path, renderer) -> None:
    painting = write(tmp_path, "painting.jpg", painting_bytes())
    flat = write(tmp_path, "object.png", _flat_png())
    with pytest.raises(PreviewError, match=r"\w"):
        await renderer.render("s1", painting, flat, LoopState(method="alpha"))


async def test_forgotten_sessions_are_decoded_again(tmp_path: Path, renderer) -> None:
    painting = write(tmp_path, "painting.jpg", painting_bytes())
    photo = write(tmp_path, "object.png", cutout_bytes())
    await renderer.render("s1", painting, photo, LoopState())
    renderer.forget("s1")
    photo.unlink()
    with pytest.raises(OSError):
        await renderer.render("s1", painting, photo, LoopState())


def _flat_png() -> bytes:
    """An opaque picture: nothing for the alpha method to cut out."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (10, 10, 10, 255)).save(buffer, "PNG")
    return buffer.getvalue()
