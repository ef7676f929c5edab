"""The demo's painting, made by our own code: a landscape layout overpainted with brush strokes."""

from __future__ import annotations

import numpy as np

from harmonize.tools.demo.brush_strokes import paint_strokes
from harmonize.tools.demo.scene_layout import landscape_layout

PAINTING_SEED = 1889  # any seed gives a painting; this one is the README's (Van Gogh's Starry Night year)
ASPECT = 3 / 4  # height / width of the demo painting


def painting_shape(longest_side: int) -> tuple[int, int]:
    """(height, width) of the landscape-format demo painting whose width is `longest_side`."""
    return max(8, round(longest_side * ASPECT)), max(8, longest_side)


def generate_painting(longest_side: int, seed: int = PAINTING_SEED) -> np.ndarray:
    """(H, W, 3) uint8 landscape painting, W = longest_side, H = 3/4 of it; the same for a seed."""
    height, width = painting_shape(longest_side)
    layout = landscape_layout(height, width, seed)
    painted = paint_strokes(layout, seed)
    return np.round(painted * 255.0).astype(np.uint8)
