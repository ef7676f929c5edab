"""A tiny harmonization input: a red block pasted on a grey painting with dark stripes."""

import numpy as np


def red_block_scene(height: int, width: int, rows: slice, columns: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(painting, naive paste, tight mask): (H, W, 3) in [0, 1], (H, W) in {0, 1}; block at rows x columns."""
    painting = np.full((height, width, 3), 0.5, np.float32)
    painting[::4] = 0.2
    naive = painting.copy()
    naive[rows, columns] = (0.9, 0.1, 0.1)
    mask = np.zeros((height, width), np.float32)
    mask[rows, columns] = 1
    return painting, naive, mask
