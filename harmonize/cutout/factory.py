"""Pick a cut-out back end by name (rembg's new_session pattern), and what `auto` means."""

from __future__ import annotations

from typing import Any

import numpy as np

from harmonize.cutout.alpha import AlphaBackend, has_meaningful_alpha
from harmonize.cutout.base import CutoutBackend, CutoutError
from harmonize.cutout.grabcut import GrabCutBackend
from harmonize.cutout.rembg_model import RembgBackend
from harmonize.cutout.removebg import RemoveBgBackend, api_key_from_env

BACKENDS: dict[str, type[CutoutBackend]] = {
    backend.name: backend for backend in (AlphaBackend, GrabCutBackend, RemoveBgBackend, RembgBackend)
}
METHODS = ("auto", *BACKENDS)


def new_backend(method: str, **kwargs: Any) -> CutoutBackend:
    """The back end called `method` ("alpha", "grabcut", "removebg", "rembg"), built with kwargs."""
    try:
        backend = BACKENDS[method]
    except KeyError:
        raise CutoutError(f"Unknown cut-out method {method!r}: use one of {', '.join(METHODS)}.") from None
    return backend(**kwargs)


def auto_method(image: np.ndarray) -> str:
    """alpha if the (h, w, 3|4) photo is already cut out, else removebg if a key is set, else grabcut."""
    if has_meaningful_alpha(image):
        return AlphaBackend.name
    if api_key_from_env():
        return RemoveBgBackend.name
    return GrabCutBackend.name
