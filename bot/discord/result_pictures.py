"""Fit result images into Discord's upload limits: PNG when it fits, else smaller JPEGs."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image

MIB = 2**20
DEFAULT_FILE_LIMIT = 10 * MIB  # default per-file upload limit since 2025-01-16 (docs/bot-conventions.md §1)
MESSAGE_LIMIT = 25 * MIB  # bytes in one message request (docs/bot-conventions.md §1)
MAX_FILES = 10  # files per message (docs/bot-conventions.md §1)
MULTIPART_MARGIN = 64 * 1024  # room left in a message for its JSON part and multipart headers
JPEG_QUALITIES = (90, 80, 70, 60, 50)  # tried in turn at full size before shrinking
SHRINK_QUALITY = 80  # JPEG quality once the picture has to shrink
SHRINK_STEP = 0.75  # each shrink keeps this fraction of the width and height
MIN_SIDE = 32  # px; smaller than this is no longer worth sending


class DoesNotFit(ValueError):
    """Even a tiny JPEG of the picture is larger than the upload limit allows."""


@dataclass(frozen=True)
class Upload:
    """One file to attach: its name (suffix matches the bytes) and its bytes."""

    filename: str
    data: bytes


def per_file_budget(file_limit: int, count: int, message_limit: int = MESSAGE_LIMIT) -> int:
    """Bytes each of `count` files may take so that each and the message fit."""
    if not 0 < count <= MAX_FILES:
        raise ValueError(f"a message carries 1 to {MAX_FILES} files, not {count}")
    return min(file_limit, (message_limit - MULTIPART_MARGIN) // count)


def fit_uploads(images: Sequence[Upload], budget: int) -> list[Upload]:
    """Keep each image no larger than `budget` bytes; larger ones become JPEGs (smaller if needed).

    Raises DoesNotFit when even a MIN_SIDE px JPEG of an image is over the budget.
    """
    return [image if len(image.data) <= budget else _as_jpeg(image, budget) for image in images]


def _as_jpeg(image: Upload, budget: int) -> Upload:
    """The image as a JPEG of at most `budget` bytes: lower quality first, then fewer pixels."""
    with Image.open(io.BytesIO(image.data)) as opened:
        rgb = opened.convert("RGB")
    name = str(PurePath(image.filename).with_suffix(".jpg"))
    for quality in JPEG_QUALITIES:
        data = _jpeg(rgb, quality)
        if len(data) <= budget:
            return Upload(name, data)
    while min(rgb.size) * SHRINK_STEP >= MIN_SIDE:
        size = (round(rgb.width * SHRINK_STEP), round(rgb.height * SHRINK_STEP))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
        data = _jpeg(rgb, SHRINK_QUALITY)
        if len(data) <= budget:
            return Upload(name, data)
    raise DoesNotFit(f"{image.filename} cannot be made smaller than {budget} bytes")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """`image` encoded as an optimized JPEG."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
