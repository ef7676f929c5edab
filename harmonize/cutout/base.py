"""The interface every cut-out back end implements, and the error they raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, x1/y1 exclusive


Advice = frozenset[str]  # what could help: "box" (a rectangle around the object), "method" (another back end)
BOX_AND_METHOD: Advice = frozenset({"box", "method"})


class CutoutError(ValueError):
    """The object could not be cut out; the message is one line that says what to do.

    The message names no command-line flag (a chat bot shows it); `advice` lets a front end add
    how to act on it in its own terms (the CLI: --box, --method).
    """

    def __init__(self, message: str, advice: Advice = frozenset()) -> None:
        super().__init__(message)
        self.advice = advice


class CutoutBackend(ABC):
    """One way to find the object in a photo (rembg's sessions/base.py pattern)."""

    name: ClassVar[str]
    soft_edges: ClassVar[bool] = True  # False: the matte is binary, so clean-up smooths its edge
    # False: the matte is the user's own drawing (a PNG's alpha), kept as it is; True: it is
    # estimated from the photo, so clean-up makes it opaque inside and the edge colours are
    # freed of the photo's background (harmonize/cutout/foreground.py)
    estimated: ClassVar[bool] = True

    @abstractmethod
    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 photo -> (h, w) float32 alpha in [0, 1]; `box` bounds the object."""
