"""Pick a cut-out back end by name (rembg's new_session pattern), and what `auto` means."""

from __future__ import annotations

from typing import Any

import numpy as np

from harmonize.cutout.alpha import AlphaBackend, has_meaningful_alpha
from harmonize.cutout.base import CutoutBackend, CutoutError
from harmonize.cutout.grabcut import GrabCutBackend
from harmonize.cutout.rembg_model import RembgBackend, rembg_ready
from harmonize.cutout.removebg import RemoveBgBackend
from harmonize.cutout.saliency import SaliencyGrabCutBackend
from harmonize.cutout.settings import DEFAULT_SETTINGS, CutoutSettings
from harmonize.cutout.u2netp import U2netpBackend, u2netp_installed

BACKENDS: dict[str, type[CutoutBackend]] = {
    backend.name: backend
    for backend in (
        AlphaBackend,
        GrabCutBackend,
        SaliencyGrabCutBackend,
        U2netpBackend,
        RemoveBgBackend,
        RembgBackend,
    )
}
METHODS = ("auto", *BACKENDS)
# The offline methods with the best mean IoU on the cut-out benchmark (docs/design/cutout.md):
# U^2-Net-p from its wheel, with or without a box, when it is installed; else the saliency seeds
# without a box, and GrabCut's rectangle start given one.
BEST_OFFLINE = SaliencyGrabCutBackend.name
BEST_OFFLINE_WITH_BOX = GrabCutBackend.name
# May fail for reasons outside the photo (no key, no network, a damaged install): `auto` goes on.
SERVICES = (RemoveBgBackend.name, RembgBackend.name, U2netpBackend.name)


def new_backend(method: str, settings: CutoutSettings = DEFAULT_SETTINGS, **kwargs: Any) -> CutoutBackend:
    """The back end called `method` (a key of BACKENDS), built with what it needs of `settings` and kwargs."""
    try:
        backend = BACKENDS[method]
    except KeyError:
        raise CutoutError(f"Unknown cut-out method {method!r}: use one of {', '.join(METHODS)}.") from None
    if backend is RemoveBgBackend:
        kwargs.setdefault("api_key", settings.remove_bg_api_key)
    elif backend is RembgBackend:
        kwargs.setdefault("settings", settings)
    return backend(**kwargs)


def ready_services(settings: CutoutSettings) -> list[str]:
    """The model and service back ends usable now, best first (nothing is imported or downloaded).

    remove.bg when its key is set, rembg when onnxruntime is installed and its model is on disk
    (named, or downloaded by an earlier `rembg` cut-out: nothing here starts the 176 MB download),
    U^2-Net-p when its wheel is installed.
    """
    return [
        name
        for name, ready in (
            (RemoveBgBackend.name, settings.remove_bg_api_key is not None),
            (RembgBackend.name, rembg_ready(settings)),
            (U2netpBackend.name, u2netp_installed()),
        )
        if ready
    ]


def auto_methods(image: np.ndarray, boxed: bool = False, settings: CutoutSettings = DEFAULT_SETTINGS) -> list[str]:
    """What `auto` tries on an (h, w, 3|4) photo, in order; `boxed`: a box around the object is given.

    The photo's own alpha when it is already cut out; else the ready services (ready_services),
    and last the best offline method without a model by the benchmark (with or without a box).
    """
    if has_meaningful_alpha(image):
        return [AlphaBackend.name]
    return [*ready_services(settings), BEST_OFFLINE_WITH_BOX if boxed else BEST_OFFLINE]


def auto_method(image: np.ndarray, boxed: bool = False, settings: CutoutSettings = DEFAULT_SETTINGS) -> str:
    """The first method `auto` tries on this photo (see auto_methods)."""
    return auto_methods(image, boxed, settings)[0]


def offered_methods(image: np.ndarray, settings: CutoutSettings = DEFAULT_SETTINGS) -> tuple[str, ...]:
    """The methods worth offering a user for this (h, w, 3|4) uint8 photo, best first (the chat's choices)."""
    own = [AlphaBackend.name] if has_meaningful_alpha(image) else []
    return (*own, *ready_services(settings), GrabCutBackend.name)


def is_service(method: str) -> bool:
    """True for back ends whose failure `auto` survives by falling back (remove.bg, rembg, u2netp)."""
    return method in SERVICES
