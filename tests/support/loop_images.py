"""Small synthetic inputs for the loop's tests: a painting, a photo with an object, a cut-out."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

PAINTING_RGB = (40, 90, 160)
OBJECT_RGB = (230, 60, 30)


def painting_bytes(size: tuple[int, int] = (320, 240), fmt: str = "JPEG") -> bytes:
    """A flat blue 'painting' with a darker band at the bottom."""
    image = Image.new("RGB", size, PAINTING_RGB)
    ImageDraw.Draw(image).rectangle((0, size[1] * 3 // 4, size[0], size[1]), fill=(20, 40, 80))
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=95)
    return buffer.getvalue()


def cutout_bytes(size: tuple[int, int] = (120, 160)) -> bytes:
    """A PNG with transparency: an orange ellipse (the object) on nothing."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(*OBJECT_RGB, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def photo_bytes(size: tuple[int, int] = (200, 160)) -> bytes:
    """A JPEG photo: an orange ellipse on a textured grey background (for GrabCut)."""
    rng = np.random.default_rng(1)
    pixels = np.clip(rng.normal(150, 12, (size[1], size[0], 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    ImageDraw.Draw(image).ellipse((60, 40, 140, 120), fill=OBJECT_RGB)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    """Save bytes as a file in `folder`."""
    path = folder / name
    path.write_bytes(data)
    return path


def decode(data: bytes) -> np.ndarray:
    """An encoded image as an (H, W, C) uint8 array."""
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA" if image.mode == "RGBA" else "RGB"))
