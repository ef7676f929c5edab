"""The bad-input corpus: each refused upload names its own reason; good formats pass."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from bot.core.errors import InvalidImage
from bot.core.job_queue.validation import validate_image
from tests.support.services import image_bytes

MAX_BYTES = 200_000
MAX_PIXELS = 10_000


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but whose data is a few bytes (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt, suffix", [("PNG", "png"), ("JPEG", "jpeg"), ("WEBP", "webp")])
def test_accepted_formats_are_sniffed_from_bytes(fmt: str, suffix: str) -> None:
    assert validate_image(image_bytes(fmt), "painting", MAX_BYTES, MAX_PIXELS) == suffix


def test_rgba_png_with_transparency_is_accepted() -> None:
    image = Image.new("RGBA", (48, 36))  # transparent, with an opaque object in the middle
    image.paste((200, 120, 40, 255), (12, 9, 36, 27))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert validate_image(buffer.getvalue(), "object image", MAX_BYTES, MAX_PIXELS) == "png"


def test_a_fully_transparent_png_is_refused() -> None:
    with pytest.raises(InvalidImage, match="fully transparent"):
        validate_image(image_bytes("PNG", mode="RGBA"), "object image", MAX_BYTES, MAX_PIXELS)


def _truncated(fmt: str) -> bytes:
    """The first half of a 64x64 noisy image in `fmt` (noise, so the data is not tiny)."""
    pixels = bytes((i * 7919) % 251 for i in range(64 * 64 * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), pixels).save(buffer, fmt)
    data = buffer.getvalue()
    return data[: len(data) // 2]


BAD_INPUTS = {
    "empty": (b"", "empty file"),
    "not an image": (b"%PDF-1.4 this is a document, not a picture" * 5, "not an image"),
    "too many bytes": (b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES, "too big"),
    "too many pixels": (image_bytes("PNG", size=(101, 100)), "too many pixels"),
    "decompression bomb": (png_header_only(20_000, 20_000), "decompression bomb"),
    "truncated png": (_truncated("PNG"), "truncated"),
    "truncated jpeg": (_truncated("JPEG"), "truncated"),
    "gif": (image_bytes("GIF"), "GIF image"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_its_reason(name: str) -> None:
    data, reason = BAD_INPUTS[name]
    with pytest.raises(InvalidImage) as caught:
        validate_image(data, "painting", MAX_BYTES, MAX_PIXELS)
    message = caught.value.message
    assert reason in message, message
    assert message.startswith("The painting"), message
    others = {r for n, (_, r) in BAD_INPUTS.items() if n != name and r != reason}
    assert not any(other in message for other in others), message


def test_bomb_is_caught_even_when_the_pixel_limit_is_huge() -> None:
    with pytest.raises(InvalidImage, match="decompression bomb"):
        validate_image(png_header_only(20_000, 20_000), "painting", MAX_BYTES, 10**12)


def test_pixel_limit_is_inclusive() -> None:
    assert validate_image(image_bytes("PNG", size=(100, 100)), "p", MAX_BYTES, MAX_PIXELS) == "png"
