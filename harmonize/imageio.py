"""The one image reader of the engine, the CLI and the bot, and the PNG writer.

Every input goes through `_decode`: the format is sniffed from the bytes (never the file name),
decompression bombs are refused from the header before any pixel is decoded, the picture is
turned upright by its EXIF orientation, 16-bit, palette and CMYK images become 8-bit RGB(A),
and pictures above a working cap are downsampled while they are decoded (JPEG's DCT scaling
through Pillow's `draft`, then an area-preserving resize). `read_painting` and `read_object`
add the checks of a role (minimum size, aspect ratio, something visible) and its alpha policy.
Each refusal is an `ImageError` whose message is one line for the user (docs/inputs.md).
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ImageSource = str | Path | bytes
Reason = Literal[
    "missing",
    "empty",
    "not_image",
    "format",
    "truncated",
    "bomb",
    "too_small",
    "too_thin",
    "transparent",
]

ACCEPTED_FORMATS = {
    "PNG": "png",
    "JPEG": "jpeg",
    "MPO": "jpeg",  # a JPEG with more pictures after the first (phones, 3D cameras): its first is read
    "WEBP": "webp",
}  # Pillow's name -> file suffix
ACCEPTED_TEXT = "PNG, JPEG or WebP"
# Pillow's openers tried: the accepted formats (JPEG's also gives MPO) and those refused by name.
_OPENERS = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
# Pillow's own DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS): above every camera
# sold (the largest sensors, e.g. Phase One IQ4, take 151 MP), so only crafted files exceed it.
BOMB_PIXELS = 2 * 89_478_485
# Larger pictures are downsampled on reading: 2560 x 2560, Telegram's largest photo side and over
# three times the paper's working size (700 px, docs/algorithm.md §1) each way.
WORKING_PIXELS = 2560 * 2560
MIN_SIDE_PX = 32  # smaller: relu5_1 (1/16 scale, docs/algorithm.md §3) would see 2x2 features
MIN_VISIBLE_PX = 8 * 8  # fewer visible pixels: a speck that relu5_1 (1/16 scale) does not even see
# The first bytes of each accepted format (PNG spec §5.2, JFIF SOI marker, RIFF/WEBP): bytes that
# start so but cannot be read are a damaged picture, not "not a picture".
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"RIFF": "WebP"}
MAX_ASPECT = 10  # longest side / shortest: at 700 px the short side still keeps 70 px
PASS1_JPEG_QUALITY = 75  # torch7 image.save default; pass 2 reads this JPEG (docs/algorithm.md §3.5)

_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis")
_WARNINGS_LOCK = threading.Lock()  # warnings.catch_warnings changes process-wide state


class ImageError(ValueError):
    """An input picture was refused; `message` (also `str(error)`) is one line for the user.

    `reason` is a stable code (see `Reason`) that front ends may word their own way.
    """

    def __init__(self, message: str, reason: Reason) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def read_painting(source: ImageSource, name: str | None = None, max_pixels: int = WORKING_PIXELS) -> np.ndarray:
    """The painting as (H, W, 3) float32 RGB in [0, 1]; transparency is flattened onto white.

    Refuses pictures under MIN_SIDE_PX, longer than MAX_ASPECT:1, or with nothing visible;
    downsamples those above `max_pixels`. `name` names it in messages ("The painting"); the
    default is its path, or "The image" for bytes.
    """
    return _flattened(_decode(source, name, max_pixels, role=True))


def read_object(source: ImageSource, name: str | None = None, max_pixels: int = WORKING_PIXELS) -> np.ndarray:
    """The object photo as (h, w, 3) uint8, or (h, w, 4) uint8 RGBA when it has transparency.

    The same checks as `read_painting`; the alpha channel is kept for the cut-out.
    """
    image = _decode(source, name, max_pixels, role=True)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return np.asarray(image.convert("RGBA" if has_alpha else "RGB"), dtype=np.uint8)


@dataclass(frozen=True)
class Header:
    """What a picture's header says: its format as a file suffix, and its stored size in px."""

    suffix: str
    width: int
    height: int


def peek(source: ImageSource, name: str | None = None) -> Header:
    """Read only the header (cheap): refuses what is no accepted picture or is a bomb."""
    with _open(source, name) as image:
        return Header(ACCEPTED_FORMATS[image.format or ""], *image.size)


def load_rgb(source: ImageSource, max_pixels: int | None = None) -> np.ndarray:
    """Any accepted picture as (H, W, 3) float32 RGB in [0, 1] (no role checks); alpha onto white."""
    return _flattened(_decode(source, None, max_pixels))


def load_rgba(source: ImageSource, max_pixels: int | None = None) -> np.ndarray:
    """(H, W, 4) uint8 RGBA; an image without alpha gets an opaque one."""
    return np.asarray(_decode(source, None, max_pixels).convert("RGBA"), dtype=np.uint8)


def load_mask(source: ImageSource, max_pixels: int | None = None) -> np.ndarray:
    """(H, W) float32 in [0, 1] from the first channel of a mask image (soft, not thresholded).

    A mask with transparency is read from its alpha channel.
    """
    image = _decode(source, None, max_pixels)
    if image.mode in ("RGBA", "LA"):
        alpha = np.asarray(image.getchannel("A"), dtype=np.float32)
        if alpha.min() < 255:
            return alpha / 255.0
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


def _subject(source: ImageSource, name: str | None) -> str:
    """How messages name the picture: `name`, else its path, else "The image"."""
    if name is not None:
        return name
    return "The image" if isinstance(source, bytes) else str(source)


def _open(source: ImageSource, name: str | None) -> Image.Image:
    """Open lazily (header only) after refusing what is no accepted picture or is a bomb."""
    subject = _subject(source, name)
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        if not path.is_file():
            raise ImageError(f"{subject}: file not found.", "missing")
        data = path.read_bytes()
    if not data:
        raise ImageError(f"{subject} is an empty file.", "empty")
    try:
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # BOMB_PIXELS decides
            image = Image.open(
                io.BytesIO(data),
                formats=list(_OPENERS),
            )
    except Image.DecompressionBombError as error:
        raise ImageError(_bomb_text(subject), "bomb") from error
    except UnidentifiedImageError as error:
        raise _unreadable(subject, data) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageError(_damaged_text(subject), "truncated") from error
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise ImageError(
            f"{subject} is a {image.format} image; use a {ACCEPTED_TEXT} image.",
            "format",
        )
    width, height = image.size
    if width * height > BOMB_PIXELS:
        image.close()
        raise ImageError(_bomb_text(subject), "bomb")
    return image


def _decode(source: ImageSource, name: str | None, max_pixels: int | None, role: bool = False) -> Image.Image:
    """The upright, 8-bit RGB / RGBA / L / LA picture, at most `max_pixels` (None: any size).

    `role`: also refuse, from the header before decoding, sizes no painting or object can have,
    and, after it, a picture with nothing visible.
    """
    subject = _subject(source, name)
    image = _open(source, name)
    if role:
        _check_shape(image.size, subject)
    try:
        if max_pixels is not None and image.format == "JPEG":
            image.draft(image.mode, _fitted(image.size, max_pixels))  # decode at 1/2, 1/4 or 1/8
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # phone photos: as the camera was held
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageError(_damaged_text(subject), "truncated") from error
    image = _eight_bit(image)
    if max_pixels is not None and image.width * image.height > max_pixels:
        image = image.resize(_fitted(image.size, max_pixels), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if role and image.mode in ("RGBA", "LA"):
        visible = int(np.count_nonzero(np.asarray(image.getchannel("A"))))
        if visible == 0:
            raise ImageError(f"{subject} is fully transparent: nothing in it is visible.", "transparent")
        if visible < MIN_VISIBLE_PX:
            raise ImageError(
                f"{subject} is almost fully transparent: only {visible} of its pixels are visible; "
                "send a picture in which the object shows.",
                "transparent",
            )
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """16-bit greyscale scaled (not clipped) to 8 bits; CMYK through its ICC profile; palette expanded."""
    if image.mode in _SIXTEEN_BIT_MODES:
        values = np.asarray(image, dtype=np.float64)
        full_scale = 65535.0 if image.mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
        return Image.fromarray(np.round(np.clip(values / full_scale, 0, 1) * 255).astype(np.uint8), "L")
    if image.mode == "CMYK":
        profile = image.info.get("icc_profile")
        if profile:
            try:
                source_profile = ImageCms.ImageCmsProfile(io.BytesIO(profile))
                converted = ImageCms.profileToProfile(
                    image,
                    source_profile,
                    ImageCms.createProfile("sRGB"),
                    outputMode="RGB",
                )
                if converted is not None:  # None only when converting in place
                    return converted
            except (ImageCms.PyCMSError, OSError):
                pass  # a broken profile: Pillow's plain conversion below
        return image.convert("RGB")
    if image.mode in ("P", "PA", "1", "La", "RGBa", "YCbCr", "LAB", "HSV", "RGBX"):
        has_alpha = image.mode in ("PA", "La", "RGBa") or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    return image


def _check_shape(size: tuple[int, int], subject: str) -> None:
    """Refuse a painting or object photo that is a thin strip or too small."""
    width, height = size
    long_side, short_side = max(width, height), min(width, height)
    if long_side > MAX_ASPECT * short_side:
        across, along = ("wide", "tall") if width > height else ("tall", "wide")
        raise ImageError(
            f"{subject} is {width}x{height} px, a strip {long_side // max(1, short_side)} "
            f"times as {across} as it is {along}; crop it to at most {MAX_ASPECT}:1.",
            "too_thin",
        )
    if short_side < MIN_SIDE_PX:
        raise ImageError(
            f"{subject} is only {width}x{height} px; it must be at least {MIN_SIDE_PX}x{MIN_SIDE_PX} px.",
            "too_small",
        )


def _flattened(image: Image.Image) -> np.ndarray:
    """(H, W, 3) float32 in [0, 1], transparency composited onto white."""
    if image.mode in ("RGBA", "LA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def _fitted(size: tuple[int, int], max_pixels: int) -> tuple[int, int]:
    """`size` scaled down (aspect kept) to at most `max_pixels`; unchanged when it fits."""
    width, height = size
    if width * height <= max_pixels:
        return size
    scale = math.sqrt(max_pixels / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def _bomb_text(subject: str) -> str:
    """The refusal of a picture that claims more pixels than any camera takes."""
    return (
        f"{subject} claims more than {round(BOMB_PIXELS / 1e6)} megapixels, more than any camera "
        "takes, so it was refused as a possible decompression bomb."
    )


def _damaged_text(subject: str) -> str:
    """The refusal of a truncated or corrupt file."""
    return f"{subject} is damaged or incomplete (truncated); save or send it again."


def _unreadable(subject: str, data: bytes) -> ImageError:
    """The refusal of bytes Pillow cannot read: a damaged PNG, JPEG or WebP by its first bytes,
    else not a picture (naming SVG and HEIC, which people often send)."""
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature) and (kind != "WebP" or data[8:12] == b"WEBP"):
            return ImageError(
                f"{subject} is a damaged {kind} file (its header does not check out); save or send it again.",
                "truncated",
            )
    return ImageError(_unreadable_text(subject, data), "not_image")


def _unreadable_text(subject: str, data: bytes) -> str:
    """The refusal of bytes that are no picture, naming SVG and HEIC, which people often send."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return f"{subject} is an SVG drawing; export it as a PNG and use that."
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return f"{subject} is a HEIC or AVIF photo, which cannot be read here; convert it to JPEG."
    return f"{subject} is not an image that can be read; use a {ACCEPTED_TEXT} image."
