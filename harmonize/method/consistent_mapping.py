"""Pass 2's spatially consistent mapping at the reference layer (docs/algorithm.md §4.2 steps 3-5).

`refine_mapping` is the authors' `refineNNF`: each masked position takes, among the matches its
neighbours imply, the one whose painting colour agrees best with all of them. `ring_hits` is
`Ring2`: the painting positions used as style targets (each match and its 3x3 neighbourhood).
Mappings are integer arrays (H, W, 2) of target (y, x).
"""

from __future__ import annotations

import numpy as np

REFINE_RADIUS = 2  # refine_size 5 (docs/algorithm.md §4.2)
RING_RADIUS = 1  # ring_radius 1 (§4.2 step 4)


def refine_mapping(mapping: np.ndarray, guide: np.ndarray, active: np.ndarray) -> np.ndarray:
    """One Jacobi sweep of refineNNF over positions where `active` is true (§4.2 step 3).

    mapping: (H, W, 2) int (y, x) into the guide; guide: (Hg, Wg, 3) painting RGB at the layer's
    size; active: (H, W) bool. Candidates obey the code's asymmetric bounds 2 <= q <= size-4.
    """
    h, w = active.shape
    hg, wg = guide.shape[:2]
    r = REFINE_RADIUS
    ys, xs = np.nonzero(active)
    offsets = [(dy, dx) for dx in range(-r, r + 1) for dy in range(-r, r + 1)]  # dx outer, dy inner

    # Positions each neighbour implies for p: c(p + d) - d, with validity flags.
    implied, valid = [], []
    for dy, dx in offsets:
        ny, nx = ys + dy, xs + dx
        inside = (ny >= 0) & (ny < h) & (nx >= 0) & (nx < w)
        cy = np.where(inside, mapping[np.clip(ny, 0, h - 1), np.clip(nx, 0, w - 1), 0], 0) - dy
        cx = np.where(inside, mapping[np.clip(ny, 0, h - 1), np.clip(nx, 0, w - 1), 1], 0) - dx
        implied.append((cy, cx))
        valid.append(inside)

    best = mapping[ys, xs].copy()
    best_cost = np.full(len(ys), np.inf)
    guide64 = guide.astype(np.float64)
    for (cy, cx), inside in zip(implied, valid, strict=True):
        candidate_ok = inside & (cy >= 2) & (cy <= hg - 4) & (cx >= 2) & (cx <= wg - 4)
        colour = guide64[np.clip(cy, 0, hg - 1), np.clip(cx, 0, wg - 1)]
        total = np.zeros(len(ys))
        count = np.zeros(len(ys))
        for (oy, ox), o_inside in zip(implied, valid, strict=True):
            ok = o_inside & (oy >= 0) & (oy < hg) & (ox >= 0) & (ox < wg)
            other = guide64[np.clip(oy, 0, hg - 1), np.clip(ox, 0, wg - 1)]
            total += np.where(ok, np.linalg.norm(colour - other, axis=1), 0.0)
            count += ok
        cost = np.where(count > 0, total / np.maximum(count, 1), np.inf)
        better = candidate_ok & (cost < best_cost)
        best_cost = np.where(better, cost, best_cost)
        best[better, 0], best[better, 1] = cy[better], cx[better]

    refined = mapping.copy()
    refined[ys, xs] = best
    return refined


def ring_hits(mapping: np.ndarray, active: np.ndarray, target_shape: tuple[int, int]) -> np.ndarray:
    """Ring2 (§4.2 step 4): (Ht, Wt) float mask, 1 within Chebyshev distance 1 of a used match."""
    hits = np.zeros(target_shape, dtype=np.float32)
    ys, xs = mapping[active, 0], mapping[active, 1]
    for dy in range(-RING_RADIUS, RING_RADIUS + 1):
        for dx in range(-RING_RADIUS, RING_RADIUS + 1):
            ty, tx = ys + dy, xs + dx
            ok = (ty >= 0) & (ty < target_shape[0]) & (tx >= 0) & (tx < target_shape[1])
            hits[ty[ok], tx[ok]] = 1.0
    return hits


def flat_to_yx(indices: np.ndarray, query_shape: tuple[int, int], target_width: int) -> np.ndarray:
    """Flat target indices, one per query position -> (Hq, Wq, 2) int (y, x) mapping."""
    y, x = np.divmod(np.asarray(indices, dtype=np.int64), target_width)
    return np.stack([y, x], axis=-1).reshape(query_shape[0], query_shape[1], 2)
