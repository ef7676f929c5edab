"""The interface every cut-out back end implements, and the error they raise."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, x1/y1 exclusive


class CutoutError(ValueError):
    """The object could not be cut out; the message is one line that says what to do."""


class CutoutBackend(ABC):
    """One way to find the object in a photo (rembg's sessions/base.py pattern)."""

    name: ClassVar[str]
    soft_edges: ClassVar[bool] = True  # False: the matte is binary, so clean-up smooths its edge

    @abstractmethod
    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 photo -> (h, w) float32 alpha in [0, 1]; `box` bounds the object."""
