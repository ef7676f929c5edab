"""Parts of the object that took their ground's colour, repainted in another of the painting's colours (ours, issue 23).

Likeness keeps the object's low-frequency luminance and a third of its colour; the rest of its
colour comes from the painting's passages that pass 2 and the post-processing's rebuild match it
to. Where the object's colour was near its ground's to begin with (a pale child on a bright sky,
a ginger cat on a sepia print, a grey tower on navy and white drips), those passages are the
ground's own, and the part ends up in the ground's colour: a ghost (docs/design/painted-in.md,
"Where the value is near"). A painter would paint such a part in a colour the painting already
uses that stands apart from what lies around it.

Here each part of the final result whose colour is within SEPARATION_DE of the ground around it
(deep inside a large object, the nearest such ground: `surrounding_mean`) gets a target: the
painting's own main colour (k-means in CIELAB) nearest to the part that is at least
SEPARATION_DE from that ground, and not lighter than the ground unless the ground is among
the painting's darkest values: a part repainted lighter than its ground reads as a glow or a haze,
darker as a solid shape (docs/design/painted-in.md). The part
moves towards it just far enough to stand apart, by a smooth offset; the post-processing then
runs again with that offset on its matching source and on the paste the restores pull towards,
so the moved part is rebuilt from the painting's own patches of the new colour, with its marks.
Judged blind on the 14 rule-built pairs by eight judges over its versions: more solid for six,
fewer ghosts for six, painted in unchanged on average; against the authors' finals on the
paper's 14 examples, preferred on 11 of 14 by two judges, neither of whom saw a ghost on our side
(docs/design/painted-in.md, "Another of the painting's colours").
"""

from __future__ import annotations

import warnings

import cv2
import numpy as np
from skimage.color import lab2rgb, rgb2lab

from harmonize.masks import gaussian_blur_mirrored, masked_mean, surrounding_mean
from harmonize.method.likeness import low_pass_sigma

SEPARATION_DE = 25.0  # CIELAB dE76 a part needs from its ground (docs/design/painted-in.md)
MAX_MOVE_DE = 25.0  # the largest move of a part's colour, dE76
PALETTE_COLOURS = 12  # k-means clusters of the painting's colours
PALETTE_SAMPLE = 40_000  # painting pixels the palette is clustered from
PALETTE_SEED = 0  # the palette is the painting's: one fixed seed
PALETTE_ATTEMPTS = 3  # k-means restarts
MIN_SHARE = 0.02  # a palette colour covering less of the painting is not one of its colours
MIN_PART_PX = 20  # smaller near parts are left as they are
GROUND_SIGMAS = 3.0  # the ground is averaged over this many of likeness's sigma (25 px at 700)
GROUND_GAP_PX = 2  # the ground starts this far outside the object's mask
LIGHTER_SLACK = 5.0  # L* a target may lie above its ground's, where the ground is not among the darkest
DARKEST_SHARE = 0.25  # grounds in this lowest share of the painting's value range may take lighter colours
VALUE_PERCENTILES = (1.0, 99.0)  # the painting's value range a moved part stays inside
MOVE_STEPS = 20  # how finely the move towards the target is searched
MASK_THRESHOLD = 0.5


def painting_palette(painting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The painting's main colours: (k, 3) CIELAB centres and their (k,) shares of its pixels.

    painting: (H, W, 3) RGB in [0, 1].
    """
    lab = rgb2lab(painting).reshape(-1, 3).astype(np.float32)
    rng = np.random.default_rng(PALETTE_SEED)
    sample = lab[rng.choice(len(lab), min(len(lab), PALETTE_SAMPLE), replace=False)]
    colours = min(PALETTE_COLOURS, len(sample))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 0.5)
    cv2.setRNGSeed(PALETTE_SEED)
    _, labels, centres = cv2.kmeans(sample, colours, None, criteria, PALETTE_ATTEMPTS, cv2.KMEANS_PP_CENTERS)
    shares = np.bincount(labels.ravel(), minlength=colours) / len(labels)
    return centres, shares


def _target_move(
    part_lab: np.ndarray, ground: np.ndarray, centres: np.ndarray, shares: np.ndarray, darkest_ground: bool
) -> np.ndarray:
    """The (3,) Lab move of a part of mean `part_lab` on `ground`: towards the nearest palette colour apart from it."""
    apart = [
        centre
        for centre, share in zip(centres, shares, strict=True)
        if share >= MIN_SHARE
        and np.linalg.norm(centre - ground) >= SEPARATION_DE
        and (darkest_ground or centre[0] <= ground[0] + LIGHTER_SLACK)
    ]
    if not apart:
        return np.zeros(3, np.float32)
    move = min(apart, key=lambda centre: float(np.linalg.norm(centre - part_lab))) - part_lab
    for t in np.linspace(0.0, 1.0, MOVE_STEPS + 1):  # just far enough to stand apart
        if np.linalg.norm(part_lab + t * move - ground) >= SEPARATION_DE:
            break
    step = t * move
    length = float(np.linalg.norm(step))
    return (step * MAX_MOVE_DE / length if length > MAX_MOVE_DE else step).astype(np.float32)


def ground_pixels(inside: np.ndarray) -> np.ndarray:
    """(H, W) bool: the painting a part's ground is averaged over, outside the (H, W) bool object
    from GROUND_GAP_PX beyond its mask (so the object's own soft edge is not its ground)."""
    gap = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * GROUND_GAP_PX + 1, 2 * GROUND_GAP_PX + 1))
    return ~cv2.dilate(inside.astype(np.uint8), gap).astype(bool)


def contrast_offset(final: np.ndarray, painting: np.ndarray, tight: np.ndarray) -> np.ndarray:
    """(H, W, 3) CIELAB offset moving each part of the object near its ground's colour to another of the painting's.

    final, painting: (H, W, 3) RGB in [0, 1]; tight: (H, W) mask in [0, 1]. Zero outside the
    object and where it already stands apart from its ground.
    """
    inside = np.asarray(tight) > MASK_THRESHOLD
    offset = np.zeros((*inside.shape, 3), np.float32)
    if not inside.any() or inside.all():
        return offset
    sigma = low_pass_sigma(inside.shape)
    painting_lab = rgb2lab(painting).astype(np.float32)
    ground = surrounding_mean(painting_lab, ground_pixels(inside), GROUND_SIGMAS * sigma)
    colour = masked_mean(rgb2lab(final).astype(np.float32), inside, sigma)
    near = inside & (np.linalg.norm(colour - ground, axis=2) < SEPARATION_DE)
    count, parts = cv2.connectedComponents(near.astype(np.uint8))
    centres, shares = painting_palette(painting)
    low, high = np.percentile(painting_lab[..., 0], VALUE_PERCENTILES)
    for label in range(1, count):
        part = parts == label
        if part.sum() < MIN_PART_PX:
            continue
        part_ground = ground[part].mean(0)
        darkest = bool(part_ground[0] <= low + DARKEST_SHARE * (high - low))
        offset[part] = _target_move(colour[part].mean(0), part_ground, centres, shares, darkest)
    return gaussian_blur_mirrored(offset, sigma) * np.clip(tight, 0.0, 1.0)[..., None]


def shift_colours(image: np.ndarray, offset: np.ndarray, painting: np.ndarray) -> np.ndarray:
    """`image` (H, W, 3) RGB in [0, 1] moved by the (H, W, 3) CIELAB `offset`, its L* kept in the painting's range.

    Returns (H, W, 3) float32 in [0, 1]; pixels where the offset is zero are unchanged.
    """
    moved = np.any(offset != 0, axis=2)
    if not moved.any():
        return np.asarray(image, np.float32)
    low, high = np.percentile(rgb2lab(painting)[..., 0], VALUE_PERCENTILES)
    lab = rgb2lab(image) + offset
    lab[..., 0] = np.where(moved, np.clip(lab[..., 0], low, high), lab[..., 0])
    with warnings.catch_warnings():  # a moved colour can leave the sRGB gamut: clipping it is intended
        warnings.filterwarnings("ignore", message="Conversion from CIE-LAB", category=UserWarning)
        warnings.filterwarnings("ignore", message="Color data out of range", category=UserWarning)
        result = np.clip(lab2rgb(lab), 0.0, 1.0).astype(np.float32)
    return np.where(moved[..., None], result, np.asarray(image, np.float32))
