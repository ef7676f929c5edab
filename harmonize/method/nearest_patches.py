"""Nearest-neighbour matching of 3x3 feature patches, brute force, in memory-bounded chunks.

Two scores from the authors' CUDA kernels (docs/algorithm.md §3.1 and §4.2 step 2):
- `match_cosine` (pass 1, `patchmatch_r`): cosine similarity of whole 3x3 patches, both norms
  taken over the offsets where both patches are inside the map;
- `match_summed_cosine` (pass 2, `patchmatch`): the sum of per-pixel cosines over the offsets
  where both are inside, with the rule that a border match needs a query on the same border.
Ties keep the first index in raster order (torch.argmax does). Scores are float32 (the
authors accumulate in double); only exact ties can differ.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

PATCH = 3  # patch_size 3 (docs/algorithm.md §3.1, §4.2)
COSINE_EPS = 1e-9  # patchmatch_r denominator (§3.1)
PIXEL_NORM_EPS = 1e-8  # pass-2 per-pixel normalisation (§4.2 step 1)
CHUNK_ELEMENTS = 1 << 25  # similarity entries per chunk (128 MB of float32)


def _patches(features: torch.Tensor) -> torch.Tensor:
    """(C, H, W) -> (H*W, C*9) zero-padded 3x3 patches, raster order."""
    return F.unfold(features[None], PATCH, padding=PATCH // 2)[0].T.contiguous()


def _inside(height: int, width: int, device: torch.device) -> torch.Tensor:
    """(H*W, 9) float: 1 where position + offset is inside the map (offsets in unfold order)."""
    ones = torch.ones(1, 1, height, width, device=device)
    return F.unfold(ones, PATCH, padding=PATCH // 2)[0].T.contiguous()


def _chunked_argmax(n_rows: int, n_cols: int, score_rows) -> torch.Tensor:
    """argmax over columns of score_rows(start, stop) -> (rows, n_cols), in chunks."""
    step = max(1, CHUNK_ELEMENTS // max(1, n_cols))
    best = []
    for start in range(0, n_rows, step):
        best.append(score_rows(start, min(n_rows, start + step)).argmax(dim=1))
    return torch.cat(best) if best else torch.zeros(0, dtype=torch.long)


def match_cosine(query: torch.Tensor, target: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
    """Pass-1 mapping: for each query position, the target position of the most similar patch.

    query (C, Hq, Wq), target (C, Ht, Wt), float. `rows` optionally restricts the query
    positions (flat raster indices). Returns flat target indices, shape (len(rows),) or (Hq*Wq,).
    """
    c, hq, wq = query.shape
    _, ht, wt = target.shape
    device = query.device
    q_patches, t_patches = _patches(query.float()), _patches(target.float())
    # Squared norm of each of the 9 pixel vectors of every patch (0 outside the map).
    q_sq = F.unfold(query.float().pow(2).sum(0)[None, None], PATCH, padding=1)[0].T
    t_sq = F.unfold(target.float().pow(2).sum(0)[None, None], PATCH, padding=1)[0].T
    q_in = _inside(hq, wq, device).float()
    t_in = _inside(ht, wt, device).float()
    if rows is not None:
        q_patches, q_sq, q_in = q_patches[rows], q_sq[rows], q_in[rows]

    def score(start: int, stop: int) -> torch.Tensor:
        dots = q_patches[start:stop] @ t_patches.T
        q_norm = (q_sq[start:stop] @ t_in.T).clamp_min(0).sqrt()  # over offsets inside both
        t_norm = (q_in[start:stop] @ t_sq.T).clamp_min(0).sqrt()
        return dots / (q_norm * t_norm + COSINE_EPS)

    return _chunked_argmax(q_patches.shape[0], t_patches.shape[0], score)


def normalise_pixels(features: torch.Tensor) -> torch.Tensor:
    """(C, H, W) -> each pixel's channel vector divided by (its norm + 1e-8) (§4.2 step 1)."""
    return features / (features.norm(dim=0, keepdim=True) + PIXEL_NORM_EPS)


def _border_class(height: int, width: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Per flat position: x class and y class, 0 = first row/col, 2 = last, 1 = interior."""
    ys, xs = torch.meshgrid(torch.arange(height, device=device), torch.arange(width, device=device), indexing="ij")

    def classify(v: torch.Tensor, n: int) -> torch.Tensor:
        out = torch.ones_like(v)
        out[v == n - 1] = 2
        out[v == 0] = 0  # a 1-wide map counts as the first row/col
        return out.flatten()

    return classify(xs, width), classify(ys, height)


def match_summed_cosine(query: torch.Tensor, target: torch.Tensor, penalty=None) -> torch.Tensor:
    """Pass-2 mapping at relu4_1 (§4.2 step 2): flat target index for every query position.

    query (C, Hq, Wq) and target (C, Ht, Wt) are raw features; each pixel is normalised here.
    A target on the outer row/column is allowed only for a query on that same row/column.
    penalty(start, stop) -> (stop - start, Ht*Wt), subtracted from the scores of those query rows
    (the colour term of harmonize.method.colour_matching, ours); None: the authors' score.
    """
    device = query.device
    _, hq, wq = query.shape
    _, ht, wt = target.shape
    q_patches = _patches(normalise_pixels(query.float()))
    t_patches = _patches(normalise_pixels(target.float()))
    qx, qy = _border_class(hq, wq, device)
    tx, ty = _border_class(ht, wt, device)

    def score(start: int, stop: int) -> torch.Tensor:
        scores = q_patches[start:stop] @ t_patches.T
        if penalty is not None:
            scores = scores - penalty(start, stop)
        bx, by = qx[start:stop, None], qy[start:stop, None]
        allowed = ((tx[None] == 1) | (tx[None] == bx)) & ((ty[None] == 1) | (ty[None] == by))
        return scores.masked_fill(~allowed, float("-inf"))

    return _chunked_argmax(q_patches.shape[0], t_patches.shape[0], score)
