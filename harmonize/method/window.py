"""Optimising only a window around the loose mask: same result, a fraction of the pixels.

Outside the loose mask the gradient is zero, so pixels there never change (docs/algorithm.md §3.3).
A window that holds the mask plus the receptive field of the deepest layer used, aligned to
the pooling grid, therefore sees the same features inside the mask as the whole image does;
only the painting's style features are still computed on the whole painting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

POOL_ALIGN = 16  # 2^4: four 2x2 poolings before relu5_1, so the window keeps the pooling grid
# Receptive-field radius of the deepest layer plus the spread of the 3x3-averaged mask pyramid
# (VGG-16: relu5_1 RF 132 px, mask spread 58 px; relu4_1 RF 60 px, spread 26 px), rounded up.
PASS1_MARGIN = 128
PASS2_MARGIN = 64


@dataclass(frozen=True)
class Window:
    """A rectangle [top, top + height) x [left, left + width) of the working image."""

    top: int
    left: int
    height: int
    width: int

    def of(self, array: np.ndarray) -> np.ndarray:
        """The window of an (H, W, ...) array."""
        return array[self.top : self.top + self.height, self.left : self.left + self.width]

    def of_image(self, image: torch.Tensor) -> torch.Tensor:
        """The window of a (1, C, H, W) image, contiguous (the network's input)."""
        return image[..., self.top : self.top + self.height, self.left : self.left + self.width].contiguous()

    def of_layer(self, layer: np.ndarray | torch.Tensor, scale: int, size: Sequence[int]):
        """The window of a (H_l, W_l) layer map at 1/scale resolution, `size` = its window size."""
        top, left = self.top // scale, self.left // scale
        return layer[top : top + size[0], left : left + size[1]]

    def paste(self, full: torch.Tensor, part: torch.Tensor) -> torch.Tensor:
        """A copy of (1, C, H, W) `full` with the window replaced by `part`."""
        out = full.clone()
        out[..., self.top : self.top + self.height, self.left : self.left + self.width] = part
        return out


def window_around(mask: np.ndarray, margin: int) -> Window:
    """The pooling-aligned window holding mask > 0 plus `margin` px, clipped to the image."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask > 0)
    top = max(0, (int(ys.min()) - margin) // POOL_ALIGN * POOL_ALIGN)
    left = max(0, (int(xs.min()) - margin) // POOL_ALIGN * POOL_ALIGN)
    bottom = min(h, -(-(int(ys.max()) + 1 + margin) // POOL_ALIGN) * POOL_ALIGN)
    right = min(w, -(-(int(xs.max()) + 1 + margin) // POOL_ALIGN) * POOL_ALIGN)
    return Window(top, left, bottom - top, right - left)
