"""PatchMatch nearest-neighbour field between two RGB images, and patch voting (docs/algorithm.md §5.3).

Follows Barnes et al.'s PatchMatch 2.0 (`nnmex`, the CPU algorithm `nn_n`): random
initialisation, then iterations that alternate scan order (top-left to bottom-right, then
back), each pixel trying its scan-order neighbours' shifted matches (propagation) and random
matches in windows halving from the target's full size (random search). Distances are sums of
squared differences of 8-bit RGB values over the patch. Compiled with numba; seeded.

Fields index patches by their top-left corner, as `nnmex` does: `field[y, x] = (ty, tx)` says
the patch of the source at rows y..y+P-1, columns x..x+P-1 matches the target's patch at
ty..ty+P-1, tx..tx+P-1; a field is (H - P + 1, W - P + 1, 2) int32 for an (H, W) source.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from harmonize.imageio import to_uint8

PATCH_SIZE = 7  # filt_cnn_artifact.m: patch_w = 7
ITERATIONS = 5  # PatchMatch 2.0 Params::nn_iters default (nn.h)
SEARCH_RATIO = 0.5  # PatchMatch 2.0 Params::rs_ratio default: each search window halves
MIN_VOTE_WEIGHT = 1e-6  # keeps a weighted vote's corner pixels above 0, so every pixel has a vote


class PatchField(NamedTuple):
    """A nearest-neighbour field and the patch distance of each match."""

    field: np.ndarray  # (H - P + 1, W - P + 1, 2) int32: (row, column) of the matched target patch
    distance: np.ndarray  # (H - P + 1, W - P + 1) int64: SSD of the 8-bit RGB patches


@numba.njit(cache=True, nogil=True)
def _patch_distance(a, ay, ax, b, by, bx, size, limit):
    """SSD between two patches; stops early (returning >= limit) once a row passes `limit`."""
    total = 0
    for dy in range(size):
        for dx in range(size):
            for c in range(a.shape[2]):
                d = np.int64(a[ay + dy, ax + dx, c]) - np.int64(b[by + dy, bx + dx, c])
                total += d * d
        if total >= limit:
            return total
    return total


@numba.njit(cache=True, nogil=True)
def _patch_match(a, b, size, iterations, ratio, seed):
    """Seeded PatchMatch of uint8 (H, W, C) `a` to `b`: (field, distances), see the module doc."""
    np.random.seed(seed)
    ah, aw = a.shape[0] - size + 1, a.shape[1] - size + 1
    bh, bw = b.shape[0] - size + 1, b.shape[1] - size + 1
    unbounded = np.iinfo(np.int64).max
    field = np.empty((ah, aw, 2), dtype=np.int32)
    dist = np.empty((ah, aw), dtype=np.int64)
    for y in range(ah):
        for x in range(aw):
            by, bx = np.random.randint(0, bh), np.random.randint(0, bw)
            field[y, x, 0], field[y, x, 1] = by, bx
            dist[y, x] = _patch_distance(a, y, x, b, by, bx, size, unbounded)
    max_radius = max(b.shape[0], b.shape[1])  # rs_max (INT_MAX) clamped to the target's size

    for it in range(iterations):
        step = 1 if it % 2 == 0 else -1
        for yi in range(ah):
            y = yi if step == 1 else ah - 1 - yi
            for xi in range(aw):
                x = xi if step == 1 else aw - 1 - xi
                best_y, best_x, best = field[y, x, 0], field[y, x, 1], dist[y, x]
                if best == 0:
                    continue
                # Propagation: the previous pixel in scan order, in x then in y, shifted by one.
                nx = x - step
                if 0 <= nx < aw:
                    cy, cx = field[y, nx, 0], field[y, nx, 1] + step
                    if 0 <= cx < bw and (cy != best_y or cx != best_x):
                        d = _patch_distance(a, y, x, b, cy, cx, size, best)
                        if d < best:
                            best_y, best_x, best = cy, cx, d
                ny = y - step
                if 0 <= ny < ah:
                    cy, cx = field[ny, x, 0] + step, field[ny, x, 1]
                    if 0 <= cy < bh and (cy != best_y or cx != best_x):
                        d = _patch_distance(a, y, x, b, cy, cx, size, best)
                        if d < best:
                            best_y, best_x, best = cy, cx, d
                # Random search in windows around the current best, halving down to 1 px.
                radius = max_radius
                while radius >= 1:
                    y0, y1 = max(best_y - radius, 0), min(best_y + radius + 1, bh)
                    x0, x1 = max(best_x - radius, 0), min(best_x + radius + 1, bw)
                    cy, cx = np.random.randint(y0, y1), np.random.randint(x0, x1)
                    d = _patch_distance(a, y, x, b, cy, cx, size, best)
                    if d < best:
                        best_y, best_x, best = cy, cx, d
                    radius = int(radius * ratio)
                field[y, x, 0], field[y, x, 1], dist[y, x] = best_y, best_x, best
    return field, dist


def nearest_neighbour_field(
    source: np.ndarray,
    target: np.ndarray,
    patch_size: int = PATCH_SIZE,
    iterations: int = ITERATIONS,
    seed: int = 0,
) -> PatchField:
    """PatchMatch from every patch of `source` to its nearest patch of `target` (L2 on 8 bits).

    source: (H, W, 3), target: (H2, W2, 3), float in [0, 1] (quantised to 8 bits) or uint8.
    Returns the (H - P + 1, W - P + 1) field and distances; the same seed gives the same field.
    """
    for name, image in (("source", source), ("target", target)):
        if image.ndim != 3 or min(image.shape[:2]) < patch_size:
            raise ValueError(
                f"The {name} image must be (H, W, C) with both sides >= {patch_size} px; got shape {image.shape}."
            )
    if source.shape[2] != target.shape[2]:
        raise ValueError(f"source and target must have the same channels; got {source.shape} and {target.shape}")
    a = source if source.dtype == np.uint8 else to_uint8(source)
    b = target if target.dtype == np.uint8 else to_uint8(target)
    field, dist = _patch_match(
        np.ascontiguousarray(a), np.ascontiguousarray(b), patch_size, iterations, SEARCH_RATIO, seed
    )
    return PatchField(field, dist)


@numba.njit(cache=True, nogil=True)
def _vote(values, field, size, weights):
    """Weighted sum and total weight of the target patches voting for each pixel; see `vote`."""
    h, w = field.shape[0], field.shape[1]
    total = np.zeros((h + size - 1, w + size - 1, values.shape[2]), dtype=np.float64)
    count = np.zeros((h + size - 1, w + size - 1), dtype=np.float64)
    for y in range(h):
        for x in range(w):
            ty, tx = field[y, x, 0], field[y, x, 1]
            for dy in range(size):
                for dx in range(size):
                    weight = weights[dy, dx]
                    for c in range(values.shape[2]):
                        total[y + dy, x + dx, c] += weight * values[ty + dy, tx + dx, c]
                    count[y + dy, x + dx] += weight
    return total, count


def vote_weights(patch_size: int, sigma: float) -> np.ndarray:
    """(P, P) float64: each patch pixel's weight in the vote, 1 everywhere for sigma 0 (the authors').

    sigma > 0 (ours): a Gaussian of that many pixels around the patch's centre, so a pixel takes
    its colour mostly from the patches centred near it and keeps the painting's marks crisp
    instead of averaging 49 overlapping patches (docs/design/painted-in.md).
    """
    if sigma <= 0:
        return np.ones((patch_size, patch_size))
    offsets = np.arange(patch_size) - patch_size // 2
    squared = offsets[:, None] ** 2 + offsets[None, :] ** 2
    return np.exp(-squared / (2.0 * sigma**2)) + MIN_VOTE_WEIGHT


def vote(target: np.ndarray, field: np.ndarray, patch_size: int = PATCH_SIZE, sigma: float = 0.0) -> np.ndarray:
    """Average, at each pixel, the `target` pixels of every matched patch covering it (`votemex`).

    target: (H2, W2, C) float; field: (h, w, 2) int top-left corners into it; sigma: the vote's
    weights (`vote_weights`), 0 for the authors' plain average. Returns (h + P - 1, w + P - 1, C)
    float32; every pixel is covered by at least one patch.
    """
    rows, cols = target.shape[0] - patch_size, target.shape[1] - patch_size
    if field.size and (field.min() < 0 or field[..., 0].max() > rows or field[..., 1].max() > cols):
        raise ValueError(f"The field points outside the {target.shape[:2]} target's {patch_size}-px patches.")
    values = np.ascontiguousarray(target, dtype=np.float64)
    weights = vote_weights(patch_size, sigma)
    total, count = _vote(values, np.ascontiguousarray(field, dtype=np.int32), patch_size, weights)
    return (total / count[..., None]).astype(np.float32)
