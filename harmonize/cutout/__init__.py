"""Cut the object out of a photo: one entry point, back ends chosen by name.

from harmonize.cutout import Cutter, CutoutSettings
cutter = Cutter(CutoutSettings(remove_bg_api_key=...))  # keep it: back ends are built once
rgba, method = cutter.cut_out(photo)  # (h, w, 4) uint8, cropped to the object; "auto" chose `method`
"""

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.cutout.core import Cutter, cut_out, cut_out_matte, cut_out_with_method
from harmonize.cutout.factory import BACKENDS, METHODS, auto_method, auto_methods, new_backend, offered_methods
from harmonize.cutout.settings import CutoutSettings

__all__ = [
    "Cutter",
    "CutoutSettings",
    "offered_methods",
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
