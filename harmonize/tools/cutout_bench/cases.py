"""Ground-truth cases: the shared examples' objects pasted onto scikit-image's sample photos.

Each object is the naive composite (`N_naive.jpg`) inside its tight mask (`N_c_mask.jpg`) from the
paper's data folder; each background is one of scikit-image's photographs. The object is pasted
with a soft, shadow-free edge at a seeded position and scale, so its true mask is known exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import skimage.data

FRAME_SIDE = 640  # longest side of every case: a typical phone photo after downscaling for a chat
EDGE_SIGMA = 1.0  # px at the pasted size: the pasted edge is antialiased, like a real object's
HEIGHTS = (0.45, 0.85)  # the object's height as a fraction of the frame: a photo taken of it
SHIFT = 0.15  # the object's centre moves up to this fraction of the frame from the middle
BOTTOM_CUT_EVERY = 3  # every third case the object runs off the bottom edge, as a portrait does
# scikit-image's photographs (CC0 or public domain, its docs); the grey ones are made RGB.
BACKGROUNDS = ("astronaut", "coffee", "chelsea", "rocket", "camera", "immunohistochemistry", "brick", "grass")
FOUR_PHOTOS = ("coffee", "astronaut", "chelsea", "rocket")  # issue 15's everyday photos
# A mask that covers most of its painting's border marks a background pasted in, not an object:
# example 15's mask is the city around Vermeer's girl (88 % of the border), the girl a hole in it.
# No cut-out can find such a frame with a hole, so it is left out (docs/design/cutout.md).
BACKGROUND_BORDER = 0.5
BOX_MARGIN = 0.03  # a user's box: the object's true box plus 3 % of the frame's longest side


@dataclass(frozen=True)
class Sample:
    """One object: (h, w, 3) uint8 pixels and its (h, w) float32 alpha in [0, 1]."""

    name: str
    rgb: np.ndarray
    alpha: np.ndarray
    border_cover: float = 0.0  # share of the painting's border inside the mask

    @property
    def is_object(self) -> bool:
        """False for a pasted background (its mask covers most of the painting's border)."""
        return self.border_cover <= BACKGROUND_BORDER


@dataclass(frozen=True)
class Case:
    """One benchmark photo: (H, W, 3) uint8 and its true object mask (H, W) bool.

    alpha and colours, when known: the pasted object's soft (H, W) alpha and its own (H, W, 3)
    colours in [0, 1], what a perfect cut-out would give (metrics.edge_colour_error).
    """

    name: str
    photo: np.ndarray
    truth: np.ndarray
    alpha: np.ndarray | None = None
    colours: np.ndarray | None = None

    def box(self, margin: float = BOX_MARGIN) -> tuple[int, int, int, int]:
        """The true mask's box (x0, y0, x1, y1, pixels, x1/y1 exclusive) plus `margin` of the longest side."""
        rows, cols = np.flatnonzero(self.truth.any(axis=1)), np.flatnonzero(self.truth.any(axis=0))
        h, w = self.truth.shape
        m = round(margin * max(h, w))
        return max(0, cols[0] - m), max(0, rows[0] - m), min(w, cols[-1] + 1 + m), min(h, rows[-1] + 1 + m)


def example_numbers(data: Path) -> list[int]:
    """Numbers N with both N_naive.jpg and N_c_mask.jpg in `data`, ascending."""
    found = (re.fullmatch(r"(\d+)_naive\.jpg", path.name) for path in data.glob("*_naive.jpg"))
    return sorted(int(m.group(1)) for m in found if m and (data / f"{m.group(1)}_c_mask.jpg").is_file())


def load_sample(data: Path, number: int) -> Sample:
    """Example `number`'s object, cropped to its mask (binarised at 0.5: the JPEG's ringing goes)."""
    bgr = cv2.imread(str(data / f"{number}_naive.jpg"), cv2.IMREAD_COLOR)
    grey = cv2.imread(str(data / f"{number}_c_mask.jpg"), cv2.IMREAD_GRAYSCALE)
    if bgr is None or grey is None:
        raise FileNotFoundError(f"example {number}: {number}_naive.jpg or {number}_c_mask.jpg in {data} is unreadable")
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    mask = np.asarray(grey > 127)
    border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    crop = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return Sample(
        f"example {number}", np.ascontiguousarray(rgb[crop]), mask[crop].astype(np.float32), float(border.mean())
    )


def photo(name: str) -> np.ndarray:
    """scikit-image's photo `name` as (H, W, 3) uint8 (grey ones made RGB), at its own size."""
    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.dstack([image] * 3)
    return np.ascontiguousarray(image[..., :3])


def background(name: str) -> np.ndarray:
    """scikit-image's photo `name` as (H, W, 3) uint8 with its longest side FRAME_SIDE."""
    image = photo(name)
    scale = FRAME_SIDE / max(image.shape[:2])
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


def paste(
    sample: Sample, photo: np.ndarray, height: float, centre: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Paste the sample at `height` (fraction of the frame) centred at (x, y) fractions.

    Returns the (H, W, 3) uint8 photo, the true (H, W) bool mask (soft alpha > 0.5), the soft
    (H, W) float32 alpha and the object's own (H, W, 3) float32 colours in [0, 1]; the object may
    run off the frame's edges.
    """
    big_h, big_w = photo.shape[:2]
    scale = min(height * big_h / sample.rgb.shape[0], 0.9 * big_w / sample.rgb.shape[1])
    w, h = max(1, round(sample.rgb.shape[1] * scale)), max(1, round(sample.rgb.shape[0] * scale))
    rgb = cv2.resize(sample.rgb, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    alpha = cv2.resize(sample.alpha, (w, h), interpolation=cv2.INTER_AREA) > 0.5
    pad = 4 * int(np.ceil(EDGE_SIGMA))
    soft = cv2.GaussianBlur(np.pad(alpha.astype(np.float32), pad), (0, 0), EDGE_SIGMA)
    rgb = np.pad(rgb, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    top, left = round(centre[1] * big_h - h / 2) - pad, round(centre[0] * big_w - w / 2) - pad
    canvas = np.zeros((big_h, big_w), np.float32)
    colour = np.zeros((big_h, big_w, 3), np.float32)
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(big_h, top + soft.shape[0]), min(big_w, left + soft.shape[1])
    canvas[y0:y1, x0:x1] = soft[y0 - top : y1 - top, x0 - left : x1 - left]
    colour[y0:y1, x0:x1] = rgb[y0 - top : y1 - top, x0 - left : x1 - left]
    a = canvas[..., None]
    out = np.round(a * colour + (1.0 - a) * photo.astype(np.float32))
    return np.clip(out, 0, 255).astype(np.uint8), canvas > 0.5, canvas, colour / 255.0


def make_cases(samples: list[Sample], per_object: int = 3, seed: int = 0) -> list[Case]:
    """`per_object` cases per sample, backgrounds taken in turn, heights and positions seeded."""
    rng = np.random.default_rng(seed)
    frames = {name: background(name) for name in BACKGROUNDS}
    cases = []
    for index in range(len(samples) * per_object):
        sample = samples[index // per_object]
        name = BACKGROUNDS[index % len(BACKGROUNDS)]
        height = float(rng.uniform(*HEIGHTS))
        x, y = 0.5 + rng.uniform(-SHIFT, SHIFT), 0.5 + rng.uniform(-SHIFT, SHIFT)
        cut = index % BOTTOM_CUT_EVERY == BOTTOM_CUT_EVERY - 1
        if cut:
            y = 1.0 - 0.35 * height  # the bottom 15 % of the object is outside the frame
        else:
            y = min(max(y, 0.5 * height + 0.03), 1.0 - 0.5 * height - 0.03)
        photo, truth, alpha, colours = paste(sample, frames[name], height, (x, y))
        tag = "cut by the bottom edge, " if cut else ""
        cases.append(Case(f"{sample.name} on {name} ({tag}height {height:.2f})", photo, truth, alpha, colours))
    return cases
