"""`cut_out()`: photo in, cropped RGBA cut-out of its object out; every back end goes through it."""

from __future__ import annotations

import logging

import numpy as np

from harmonize.cutout.base import Box, CutoutError
from harmonize.cutout.cleanup import NO_OBJECT, clean_matte
from harmonize.cutout.factory import auto_methods, is_service, new_backend

log = logging.getLogger(__name__)

MARGIN_FRACTION = 0.02  # transparent border kept around the object, of its longer side
MIN_MARGIN = 2  # px
MIN_BOX = 8  # px: a smaller --box cannot hold an object worth harmonizing


def cut_out(image: np.ndarray, method: str = "auto", box: Box | None = None) -> np.ndarray:
    """Cut the object out of an (h, w, 3|4) uint8 photo.

    method: "auto" or one of BACKENDS ("alpha", "grabcut", "saliency", "u2netp", "removebg", "rembg");
    box: (x0, y0, x1, y1) pixels around the object. Returns (h', w', 4) uint8 RGBA cropped to
    the object plus a small margin. Raises CutoutError with a one-line message the user can act on.
    """
    rgba, _ = cut_out_with_method(image, method, box)
    return rgba


def cut_out_with_method(image: np.ndarray, method: str = "auto", box: Box | None = None) -> tuple[np.ndarray, str]:
    """As cut_out, and the name of the back end that made the cut-out (what `auto` chose)."""
    pixels = _as_photo(image)
    alpha, used = cut_out_matte(pixels, method, box)
    rgba = np.dstack([pixels[..., :3], np.round(alpha * 255.0).astype(np.uint8)])
    return crop_to_object(rgba), used


def cut_out_matte(image: np.ndarray, method: str = "auto", box: Box | None = None) -> tuple[np.ndarray, str]:
    """The cleaned (h, w) float32 alpha in [0, 1] of an (h, w, 3|4) photo, not cropped; and the method used.

    `auto` tries what auto_methods lists, in order: a configured service's failure is logged and
    the next one is used.
    """
    pixels = _as_photo(image)
    box = validate_box(box, pixels.shape[0], pixels.shape[1])
    candidates = auto_methods(pixels, box is not None) if method == "auto" else [method]
    for index, chosen in enumerate(candidates):
        try:
            backend = new_backend(chosen)
            alpha = backend.matte(pixels, box)
            break
        except CutoutError as error:
            if index == len(candidates) - 1 or not is_service(chosen):
                raise
            log.warning("%s Falling back to %s.", error, candidates[index + 1])
    log.info("cut-out by %s", backend.name)
    if box is not None:
        inside = np.zeros_like(alpha)
        inside[box[1] : box[3], box[0] : box[2]] = 1.0
        alpha = alpha * inside
    return clean_matte(alpha, smooth_edge=not backend.soft_edges), backend.name


def validate_box(box: Box | None, height: int, width: int) -> Box | None:
    """The box clamped to the image; CutoutError if it is inverted or too small there."""
    if box is None:
        return None
    if len(box) != 4:
        raise CutoutError("The box must be four numbers x0,y0,x1,y1 in pixels.")
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(width, int(box[2])), min(height, int(box[3]))
    if x1 - x0 < MIN_BOX or y1 - y0 < MIN_BOX:
        raise CutoutError(
            f"The box {','.join(str(int(v)) for v in box)} must be x0,y0,x1,y1 with x0 < x1 and y0 < y1, "
            f"at least {MIN_BOX} px each way inside the {width}x{height} photo."
        )
    return x0, y0, x1, y1


def crop_to_object(rgba: np.ndarray) -> np.ndarray:
    """(h, w, 4) RGBA cropped to its non-transparent pixels plus a margin (clamped to the image)."""
    rows = np.flatnonzero(rgba[..., 3].any(axis=1))
    cols = np.flatnonzero(rgba[..., 3].any(axis=0))
    if rows.size == 0:
        raise CutoutError(NO_OBJECT)
    margin = max(MIN_MARGIN, round(MARGIN_FRACTION * max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)))
    top, bottom = max(0, rows[0] - margin), min(rgba.shape[0], rows[-1] + 1 + margin)
    left, right = max(0, cols[0] - margin), min(rgba.shape[1], cols[-1] + 1 + margin)
    return np.ascontiguousarray(rgba[top:bottom, left:right])


def _as_photo(image: np.ndarray) -> np.ndarray:
    """Check for an (h, w, 3|4) uint8 photo; floats in [0, 1] are converted."""
    data = np.asarray(image)
    if data.ndim != 3 or data.shape[2] not in (3, 4) or min(data.shape[:2]) < MIN_BOX:
        raise CutoutError(
            f"The photo must be an RGB or RGBA image at least {MIN_BOX}x{MIN_BOX} px, got shape {data.shape}."
        )
    if data.dtype != np.uint8:
        data = np.round(np.clip(data.astype(np.float32), 0.0, 1.0) * 255.0).astype(np.uint8)
    return data
