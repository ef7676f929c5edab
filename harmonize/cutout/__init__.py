"""Cut the object out of a photo: one entry point, back ends chosen by name.

    from harmonize.cutout import cut_out
    rgba = cut_out(photo, method="auto")  # (h, w, 4) uint8, cropped to the object
"""

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.cutout.core import cut_out
from harmonize.cutout.factory import BACKENDS, METHODS, auto_method, new_backend

__all__ = ["cut_out", "CutoutError", "CutoutBackend", "Box", "BACKENDS", "METHODS", "auto_method", "new_backend"]
