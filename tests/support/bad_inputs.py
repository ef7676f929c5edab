"""The bad-input corpus, generated at test time: odd, broken and hostile pictures.

Each case is a file name and its bytes, and either the `reason` code of the one-line refusal
(harmonize.imageio.ImageError.reason) or None when it must be read correctly.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image

EXIF_ORIENTATION = 0x0112  # TIFF/EXIF tag; 6 = "rotate 90 degrees clockwise to display"
HUNDRED_MP = (
    12_000,
    8_400,
)  # 100.8 megapixels, a 3:2-ish photo (Fujifilm GFX100 class)
FLAT_COLOUR = (90, 140, 200)


@dataclass(frozen=True)
class Case:
    """One input: its file name, how to make its bytes, and the refusal expected (None: read it)."""

    filename: str
    make: Callable[[], bytes]
    reason: str | None


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    """`image` saved in `fmt`."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def gradient(width: int = 64, height: int = 48) -> np.ndarray:
    """(height, width, 3) uint8 horizontal colour ramp with some structure."""
    ramp = np.linspace(0, 255, width, dtype=np.float32)
    rgb = np.stack(
        [
            np.broadcast_to(ramp, (height, width)),
            np.broadcast_to(ramp[::-1], (height, width)),
            np.full((height, width), 128.0),
        ],
        axis=-1,
    )
    return rgb.astype(np.uint8)


def sixteen_bit_grey() -> bytes:
    """A 16-bit greyscale PNG ramp from black to 60 % grey (a naive reader clips it to white)."""
    ramp = np.linspace(0, 0.6 * 65535, 64).astype(np.uint16)
    return encoded(Image.fromarray(np.tile(ramp, (48, 1))), "PNG")


@cache
def hundred_megapixel_png() -> bytes:
    """A real 100.8-megapixel PNG of one flat colour (about 1.6 MB)."""
    return encoded(Image.new("RGB", HUNDRED_MP, FLAT_COLOUR), "PNG", compress_level=1)


@cache
def hundred_megapixel_jpeg() -> bytes:
    """A real 100.8-megapixel JPEG of one flat colour, as a camera would write it."""
    return encoded(Image.new("RGB", HUNDRED_MP, FLAT_COLOUR), "JPEG", quality=85)


def flat(size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG") -> bytes:
    """A flat picture of `size` (width, height)."""
    colour = {"RGB": FLAT_COLOUR, "RGBA": (0, 0, 0, 0), "CMYK": (0, 255, 255, 0)}.get(mode)
    return encoded(Image.new(mode, size, colour), fmt)


def truncated_jpeg() -> bytes:
    """The first half of a noisy 64x64 JPEG."""
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = encoded(Image.fromarray(noise), "JPEG")
    return data[: len(data) // 2]


def animated_gif() -> bytes:
    """A two-frame 64x64 animated GIF."""
    frames = [Image.new("RGB", (64, 64), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def cmyk_jpeg() -> bytes:
    """A 64x48 CMYK JPEG of pure red ink-wise (no cyan, full magenta and yellow)."""
    return flat((64, 48), "CMYK", "JPEG")


def svg() -> bytes:
    """A small SVG drawing."""
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" '
        b'height="64"><rect width="64" height="64" fill="red"/></svg>\n'
    )


def heic_header() -> bytes:
    """The start of an ISO-BMFF file of brand 'heic' (what an iPhone photo begins with)."""
    return struct.pack(">I", 24) + b"ftypheic" + struct.pack(">I", 0) + b"mif1heic" + b"\x00" * 200


@cache
def decompression_bomb() -> bytes:
    """A real 1-bit PNG of 20000 x 20000 (400 megapixels) in about 50 kB."""
    return encoded(Image.new("1", (20_000, 20_000)), "PNG")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height with a few bytes of data (a crafted bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def phone_photo() -> bytes:
    """A 64x40 JPEG whose EXIF says it is shown rotated (40 wide, 64 tall); stored left half red."""
    pixels = np.zeros((40, 64, 3), np.uint8)
    pixels[:, :32] = (255, 0, 0)
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[EXIF_ORIENTATION] = 6
    return encoded(image, "JPEG", exif=exif, quality=95)


def palette_with_transparency() -> bytes:
    """A 64x48 palette PNG whose left half is transparent (index 15)."""
    source = Image.fromarray(gradient()).convert("P", palette=Image.Palette.ADAPTIVE, colors=15)
    pixels = np.asarray(source).copy()
    pixels[:, :32] = 15  # the one index the 15 colours leave free
    image = Image.fromarray(pixels, "P")
    palette = source.getpalette()
    assert palette is not None  # a "P" image always has one
    image.putpalette(palette[: 15 * 3] + [0, 0, 0])
    return encoded(image, "PNG", transparency=15)


CASES: dict[str, Case] = {
    "16-bit greyscale": Case("grey16.png", sixteen_bit_grey, None),
    "100 MP PNG": Case("huge.png", hundred_megapixel_png, None),
    "100 MP JPEG": Case("huge.jpg", hundred_megapixel_jpeg, None),
    "CMYK JPEG": Case("cmyk.jpg", cmyk_jpeg, None),
    "EXIF-rotated photo": Case("phone.jpg", phone_photo, None),
    "palette with transparency": Case("palette.png", palette_with_transparency, None),
    "PNG named .heic": Case("photo.heic", lambda: encoded(Image.fromarray(gradient()), "PNG"), None),
    "10x10": Case("tiny.png", lambda: flat((10, 10)), "too_small"),
    "1x1": Case("dot.png", lambda: flat((1, 1)), "too_small"),
    "5000x20": Case("strip.png", lambda: flat((5000, 20)), "too_thin"),
    "fully transparent": Case("clear.png", lambda: flat((64, 64), "RGBA"), "transparent"),
    "non-image bytes": Case(
        "notes.png",
        lambda: b"%PDF-1.4 this is a document, not a picture" * 5,
        "not_image",
    ),
    "truncated JPEG": Case("cut.jpg", truncated_jpeg, "truncated"),
    "zero bytes": Case("empty.png", lambda: b"", "empty"),
    "animated GIF": Case("anim.gif", animated_gif, "format"),
    "SVG": Case("drawing.svg", svg, "not_image"),
    "real HEIC header": Case("iphone.heic", heic_header, "not_image"),
    "garbage named .heic": Case("fake.heic", lambda: b"\x00\x01 not heic at all" * 10, "not_image"),
    "decompression bomb": Case("bomb.png", decompression_bomb, "bomb"),
    "crafted bomb header": Case("crafted.png", lambda: png_header_only(60_000, 60_000), "bomb"),
}
REFUSED = sorted(name for name, case in CASES.items() if case.reason is not None)
ACCEPTED = sorted(name for name, case in CASES.items() if case.reason is None)
