"""Reading and writing images as float arrays, with user-facing errors for bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 50_000_000  # refuse larger inputs before decoding them (decompression bombs)
PASS1_JPEG_QUALITY = 75  # torch7 image.save default; pass 2 reads this JPEG (ALGORITHM.md §3.5)


class ImageError(ValueError):
    """An input file is missing, not an image, or too large; the message says which."""


def _open(source: str | Path | bytes) -> Image.Image:
    name = "the image" if isinstance(source, bytes) else str(source)
    if not isinstance(source, bytes) and not Path(source).is_file():
        raise ImageError(f"{name}: file not found.")
    try:
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        if image.width * image.height > MAX_PIXELS:
            raise ImageError(f"{name} is {image.width}x{image.height}: too large (max {MAX_PIXELS // 1_000_000} megapixels).")
        image.load()
        image = ImageOps.exif_transpose(image)  # phone photos: pixels as the camera held them
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise ImageError(f"{name} is not a readable image (PNG, JPEG or WebP).") from error
    except OSError as error:
        raise ImageError(f"{name} is damaged or truncated: {error}.") from error
    return image


def load_rgb(source: str | Path | bytes) -> np.ndarray:
    """(H, W, 3) float32 RGB in [0, 1]; transparency is flattened onto white."""
    image = _open(source)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def load_rgba(source: str | Path | bytes) -> np.ndarray:
    """(H, W, 4) uint8 RGBA; an image without alpha gets an opaque one."""
    return np.asarray(_open(source).convert("RGBA"), dtype=np.uint8)


def load_mask(source: str | Path | bytes) -> np.ndarray:
    """(H, W) float32 in [0, 1] from the first channel of a mask image (soft, not thresholded)."""
    image = _open(source)
    if image.mode in ("RGBA", "LA") and image.getextrema()[-1][0] < 255:
        return np.asarray(image.getchannel("A"), dtype=np.float32) / 255.0
    return np.asarray(image.convert("RGB"), dtype=np.float32)[..., 0] / 255.0


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] (clamped) -> uint8, rounding to nearest."""
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def save_png(path: str | Path, image: np.ndarray) -> None:
    """Write an (H, W, 3) or (H, W) float image in [0, 1] as PNG."""
    Image.fromarray(to_uint8(image)).save(path, format="PNG")


def jpeg_roundtrip(image: np.ndarray, quality: int = PASS1_JPEG_QUALITY) -> np.ndarray:
    """The image as it reads back after a JPEG save at `quality` (float32 RGB in [0, 1])."""
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(image)).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"), dtype=np.float32) / 255.0
