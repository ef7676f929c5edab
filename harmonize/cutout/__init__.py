"""Cut the object out of a photo: one entry point, back ends chosen by name.

from harmonize.cutout import cut_out
rgba = cut_out(photo, method="auto")  # (h, w, 4) uint8, cropped to the object
"""

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.cutout.core import cut_out, cut_out_matte, cut_out_with_method
from harmonize.cutout.factory import BACKENDS, METHODS, auto_method, auto_methods, new_backend

__all__ = [
    "cut_out",
    "cut_out_with_method",
    "cut_out_matte",
    "CutoutError",
    "CutoutBackend",
    "Box",
    "BACKENDS",
    "METHODS",
    "auto_method",
    "auto_methods",
    "new_backend",
]
