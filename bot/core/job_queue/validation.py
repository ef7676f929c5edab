"""Checks an uploaded image's bytes before it is queued, with the engine's own reader."""

from __future__ import annotations

from bot.core.errors import InvalidImage
from harmonize.imageio import Header, ImageError, peek, read_object


def _megabytes(count: int) -> str:
    """'12.3 MB' for a byte count."""
    return f"{count / 1e6:.1f} MB"


def check_header(data: bytes, what: str, max_bytes: int, max_pixels: int) -> Header:
    """The cheap part of `validate_image`: the byte size and the header, no pixel decoded.

    Raises InvalidImage above `max_bytes` bytes or `max_pixels` pixels, and for what the
    header alone refuses (not an accepted picture, a decompression bomb).
    """
    subject = f"The {what}"
    if len(data) > max_bytes:
        size, limit = _megabytes(len(data)), _megabytes(max_bytes)
        raise InvalidImage(f"{subject} is too big ({size}); the limit is {limit}.")
    try:
        header = peek(data, subject)
    except ImageError as error:
        raise InvalidImage(error.message) from error
    if header.width * header.height > max_pixels:
        raise InvalidImage(
            f"{subject} has too many pixels ({header.width}x{header.height}); "
            f"the limit is {max_pixels / 1e6:g} megapixels."
        )
    return header


def validate_image(data: bytes, what: str, max_bytes: int, max_pixels: int) -> str:
    """Read `data` as the engine will and return its suffix ("png" | "jpeg" | "webp").

    The format is sniffed from the bytes, never from a file name. `what` names the image in
    messages ("painting"). Raises InvalidImage (its message for the user) above `max_bytes`
    bytes or `max_pixels` pixels (checked from the header first), and for every refusal of
    harmonize.imageio: not an image, truncated, decompression bomb, too small, a thin strip,
    fully transparent (docs/inputs.md).
    """
    header = check_header(data, what, max_bytes, max_pixels)
    try:
        read_object(data, f"The {what}")
    except ImageError as error:
        raise InvalidImage(error.message) from error
    return header.suffix
