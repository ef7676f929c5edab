"""Checks an uploaded image's bytes before it is queued: format, size, pixels, bombs, truncation."""

from __future__ import annotations

import io
import threading
import warnings

from PIL import Image, UnidentifiedImageError

from bot.core.errors import InvalidImage

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}  # Pillow format -> file suffix
_WARNINGS_LOCK = threading.Lock()  # warnings.catch_warnings is process-wide state


def _megabytes(count: int) -> str:
    """'12.3 MB' for a byte count."""
    return f"{count / 1e6:.1f} MB"


def validate_image(data: bytes, what: str, max_bytes: int, max_pixels: int) -> str:
    """Decode `data` fully and return its suffix ("png" | "jpeg" | "webp"), else raise InvalidImage.

    The format is sniffed from the bytes, never from a file name. `what` names the image in
    messages ("painting"). Refuses more than `max_bytes` bytes or `max_pixels` pixels,
    decompression bombs, and truncated or corrupt files.
    """
    if not data:
        raise InvalidImage(f"The {what} is an empty file.")
    if len(data) > max_bytes:
        size, limit = _megabytes(len(data)), _megabytes(max_bytes)
        raise InvalidImage(f"The {what} is too big ({size}); the limit is {limit}.")
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if kind not in ALLOWED_FORMATS:
                    raise InvalidImage(
                        f"The {what} is a {kind or 'unknown'} image; send a PNG, JPEG or WebP."
                    )
                if width * height > max_pixels:
                    raise InvalidImage(
                        f"The {what} has too many pixels ({width}x{height}); the limit is "
                        f"{max_pixels / 1e6:g} megapixels."
                    )
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise InvalidImage(
                f"The {what} looks like a decompression bomb (a small file that unpacks to a "
                "huge image), so it was refused."
            ) from error
        except UnidentifiedImageError as error:
            raise InvalidImage(f"The {what} is not an image; send a PNG, JPEG or WebP.") from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise InvalidImage(
                f"The {what} is damaged or incomplete (truncated); please send it again."
            ) from error
    return ALLOWED_FORMATS[kind]
