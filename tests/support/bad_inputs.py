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


def mpo_jpeg() -> bytes:
    """A two-picture MPO JPEG (phones, 3D cameras): left picture red, right picture blue."""
    left, right = Image.new("RGB", (64, 48), (200, 0, 0)), Image.new("RGB", (64, 48), (0, 0, 200))
    return encoded(left, "MPO", save_all=True, append_images=[right])


def png_with_bad_header_checksum() -> bytes:
    """A 64x48 PNG whose IHDR chunk's CRC does not match (one bit flipped in transit)."""
    data = bytearray(encoded(Image.fromarray(gradient()), "PNG"))
    data[29] ^= 0xFF  # the last byte of IHDR's CRC: signature 8 + length 4 + type 4 + data 13
    return bytes(data)


def png_with_bad_data_checksum() -> bytes:
    """A 64x48 PNG whose IDAT chunk's CRC is wrong but whose data is intact (zlib checks it)."""
    data = bytearray(encoded(Image.fromarray(gradient()), "PNG"))
    start = data.index(b"IDAT")
    length = int.from_bytes(data[start - 4 : start], "big")
    data[start + 4 + length] ^= 0xFF
    return bytes(data)


def cutout(visible: int) -> bytes:
    """A 64x64 RGBA cut-out with a red square of `visible` px² showing, the rest transparent."""
    pixels = np.zeros((64, 64, 4), np.uint8)
    side = int(visible**0.5)
    pixels[10 : 10 + side, 10 : 10 + side] = (220, 30, 30, 255)
    return encoded(Image.fromarray(pixels, "RGBA"), "PNG")


def truncated(fmt: str) -> bytes:
    """The first half of a noisy 64x64 picture in `fmt`."""
    noise = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = encoded(Image.fromarray(noise), fmt)
    return data[: len(data) // 2]


def jpeg_header_bomb() -> bytes:
    """A JPEG whose frame header (SOF0) claims 65500 x 65500 px, followed by nothing useful."""
    data = bytearray(encoded(Image.fromarray(gradient()), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65_500, 65_500)
    return bytes(data)


def animated(fmt: str) -> bytes:
    """A two-frame 64x48 animation in `fmt` (PNG: APNG, WEBP): red, then blue."""
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((200, 0, 0), (0, 0, 200))]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def picture(fmt: str, mode: str = "RGB", size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    """The gradient in `mode` and `fmt`."""
    return encoded(Image.fromarray(gradient(*size)).convert(mode), fmt, **options)


def rotated_180() -> bytes:
    """A 64x48 JPEG whose EXIF orientation is 3 (upside down)."""
    image = Image.fromarray(gradient())
    exif = image.getexif()
    exif[EXIF_ORIENTATION] = 3
    return encoded(image, "JPEG", exif=exif)


def avif_header() -> bytes:
    """The start of an ISO-BMFF file of brand 'avif'."""
    return struct.pack(">I", 24) + b"ftypavif" + struct.pack(">I", 0) + b"mif1avif" + b"\x00" * 200


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
    # issue 25: 28 more, read or refused alike by the CLI, the core and both chat platforms
    "MPO JPEG": Case("3d.jpg", mpo_jpeg, None),
    "PNG with a bad data checksum": Case("crc-data.png", png_with_bad_data_checksum, None),
    "WebP": Case("photo.webp", lambda: picture("WEBP"), None),
    "animated WebP": Case("anim.webp", lambda: animated("WEBP"), None),
    "animated PNG": Case("anim.png", lambda: animated("PNG"), None),
    "progressive JPEG": Case("progressive.jpg", lambda: picture("JPEG", progressive=True), None),
    "greyscale JPEG": Case("grey.jpg", lambda: picture("JPEG", "L"), None),
    "greyscale with alpha": Case("grey-alpha.png", lambda: picture("PNG", "LA"), None),
    "interlaced PNG": Case("interlaced.png", lambda: picture("PNG", optimize=False, interlace=1), None),
    "upside-down photo": Case("upside.jpg", rotated_180, None),
    "JPEG named .png": Case("really-a-jpeg.png", lambda: picture("JPEG"), None),
    "PNG named .txt": Case("picture.txt", lambda: picture("PNG"), None),
    "32x32 exactly": Case("small.png", lambda: picture("PNG", size=(32, 32)), None),
    "10:1 exactly": Case("banner.png", lambda: picture("PNG", size=(320, 32)), None),
    "a cut-out with a small object": Case("cup.png", lambda: cutout(40 * 40), None),
    "PNG with a bad header checksum": Case("crc-header.png", png_with_bad_header_checksum, "truncated"),
    "almost fully transparent cut-out": Case("ghost.png", lambda: cutout(9), "transparent"),
    "truncated PNG": Case("half.png", lambda: truncated("PNG"), "truncated"),
    "PNG signature only": Case("sig.png", lambda: b"\x89PNG\r\n\x1a\n", "truncated"),
    "JPEG start only": Case("start.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 40, "truncated"),
    "BMP": Case("scan.bmp", lambda: picture("BMP"), "format"),
    "TIFF": Case("scan.tiff", lambda: picture("TIFF"), "format"),
    "still GIF": Case("still.gif", lambda: picture("GIF", "P"), "format"),
    "AVIF header": Case("photo.avif", avif_header, "not_image"),
    "HTML error page named .png": Case(
        "page.png", lambda: b"<!DOCTYPE html><html><body>403</body></html>", "not_image"
    ),
    "SVG without a declaration": Case("logo.svg", lambda: svg().split(b"\n", 1)[1], "not_image"),
    "31x31": Case("almost.png", lambda: picture("PNG", size=(31, 31)), "too_small"),
    "20x5000": Case("pole.png", lambda: flat((20, 5000)), "too_thin"),
    "11:1": Case("ribbon.png", lambda: picture("PNG", size=(352, 32)), "too_thin"),
    "JPEG header bomb": Case("crafted.jpg", jpeg_header_bomb, "bomb"),
}
REFUSED = sorted(name for name, case in CASES.items() if case.reason is not None)
ACCEPTED = sorted(name for name, case in CASES.items() if case.reason is None)
