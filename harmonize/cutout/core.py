"""Cutting out: photo in, cropped RGBA cut-out of its object out; every back end goes through `Cutter`.

A `Cutter` holds the settings and builds each back end once, on first use, and keeps it (rembg's
`new_session` pattern: an ONNX session is built and its model file checked once per process, not
per picture). `cut_out()` and friends are the one-call forms for a single photo.
"""

from __future__ import annotations

import logging
import threading

import cv2
import numpy as np

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.cutout.cleanup import NO_OBJECT, clean_matte
from harmonize.cutout.factory import auto_methods, is_service, new_backend, offered_methods
from harmonize.cutout.foreground import foreground_colours
from harmonize.cutout.settings import DEFAULT_SETTINGS, CutoutSettings

log = logging.getLogger(__name__)

MARGIN_FRACTION = 0.02  # transparent border kept around the object, of its longer side
MIN_MARGIN = 2  # px
MIN_BOX = 8  # px: a smaller --box cannot hold an object worth harmonizing
# The one size photos are cut out at (longest side, at most), in the CLI, the chat's preview and the
# bot's workers alike: an object is at most 700 px tall in a painting at the working sizes, and the
# back ends work at 320-512 px anyway; a 12-megapixel phone photo cuts out in about a second
# (docs/design/cutout.md).
CUTOUT_SIDE = 1024


class Cutter:
    """Cuts objects out of photos with `settings`; each back end is built once and reused (thread-safe)."""

    def __init__(self, settings: CutoutSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self._backends: dict[str, CutoutBackend] = {}
        self._lock = threading.Lock()

    def backend(self, method: str) -> CutoutBackend:
        """The back end called `method`, built on first use and kept; CutoutError when it cannot be built."""
        with self._lock:
            if method not in self._backends:
                self._backends[method] = new_backend(method, self.settings)
            return self._backends[method]

    def auto_methods(self, image: np.ndarray, boxed: bool = False) -> list[str]:
        """What `auto` tries on this (h, w, 3|4) photo with these settings, in order."""
        return auto_methods(image, boxed, self.settings)

    def offered_methods(self, image: np.ndarray) -> tuple[str, ...]:
        """The methods worth offering a user for this (h, w, 3|4) uint8 photo, best first."""
        return offered_methods(image, self.settings)

    def cut_out(self, image: np.ndarray, method: str = "auto", box: Box | None = None) -> tuple[np.ndarray, str]:
        """The (h', w', 4) uint8 RGBA cut-out of an (h, w, 3|4) photo, cropped to the object plus a
        small margin; and the name of the back end that made it (what `auto` chose). Where a matte
        estimated from the photo is soft, the colours are the object's (foreground.py).

        method: "auto" or one of BACKENDS ("alpha", "grabcut", "saliency", "u2netp", "removebg",
        "rembg"); box: (x0, y0, x1, y1) pixels around the object. Raises CutoutError with a
        one-line message the user can act on.
        """
        pixels = _as_photo(image)
        alpha, used = self.matte(pixels, method, box)
        rgba = np.dstack([self.object_colours(pixels, alpha, used), np.round(alpha * 255.0).astype(np.uint8)])
        return crop_to_object(rgba), used

    def object_colours(self, photo: np.ndarray, alpha: np.ndarray, method: str) -> np.ndarray:
        """(h, w, 3) uint8: the (h, w, 3|4) uint8 photo's colours under `method`'s (h, w) alpha in [0, 1].

        Where a matte estimated from the photo is soft, the object's own colours (foreground.py);
        a user's own alpha keeps the photo's.
        """
        return foreground_colours(photo, alpha) if self.backend(method).estimated else photo[..., :3]

    def matte(self, image: np.ndarray, method: str = "auto", box: Box | None = None) -> tuple[np.ndarray, str]:
        """The cleaned (h, w) float32 alpha in [0, 1] of an (h, w, 3|4) photo, not cropped; and the method used.

        `auto` tries what auto_methods lists, in order: a configured service's failure is logged and
        the next one is used.
        """
        pixels = _as_photo(image)
        box = validate_box(box, pixels.shape[0], pixels.shape[1])
        candidates = self.auto_methods(pixels, box is not None) if method == "auto" else [method]
        for index, chosen in enumerate(candidates):
            try:
                backend = self.backend(chosen)
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
        return clean_matte(alpha, smooth_edge=not backend.soft_edges, opaque=backend.estimated), backend.name


def cut_out(
    image: np.ndarray, method: str = "auto", box: Box | None = None, cutter: Cutter | None = None
) -> np.ndarray:
    """Cut the object out of an (h, w, 3|4) uint8 photo: Cutter.cut_out's RGBA alone.

    `cutter`: one kept by the caller (its settings, its back ends built once); default: a new one
    with default settings (offline methods only).
    """
    rgba, _ = (cutter or Cutter()).cut_out(image, method, box)
    return rgba


def cut_out_with_method(
    image: np.ndarray, method: str = "auto", box: Box | None = None, cutter: Cutter | None = None
) -> tuple[np.ndarray, str]:
    """As cut_out, and the name of the back end that made the cut-out (what `auto` chose)."""
    return (cutter or Cutter()).cut_out(image, method, box)


def cut_out_matte(
    image: np.ndarray, method: str = "auto", box: Box | None = None, cutter: Cutter | None = None
) -> tuple[np.ndarray, str]:
    """Cutter.matte with a new Cutter when none is given: the uncropped (h, w) alpha and the method used."""
    return (cutter or Cutter()).matte(image, method, box)


def shrink_for_cutout(
    photo: np.ndarray, box: Box | None = None, side: int = CUTOUT_SIDE
) -> tuple[np.ndarray, Box | None]:
    """An (h, w, 3|4) photo shrunk to `side` px on its longest side (never enlarged), and `box` scaled with it."""
    scale = min(1.0, side / max(photo.shape[:2]))
    if scale == 1.0:
        return photo, box
    small = (max(1, round(photo.shape[1] * scale)), max(1, round(photo.shape[0] * scale)))
    shrunk = cv2.resize(photo, small, interpolation=cv2.INTER_AREA)
    if box is None:
        return shrunk, None
    return shrunk, (int(box[0] * scale), int(box[1] * scale), round(box[2] * scale), round(box[3] * scale))


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
