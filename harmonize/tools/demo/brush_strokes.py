"""Paint a smooth layout with short oriented brush strokes, coarse to fine, with impasto relief.

Each stroke starts at a random point, takes the layout's colour there with a random shift of
hue, saturation and value, and follows the layout's direction field both ways until its length
is used or the layout's colour changes too much (so edges stay crisp, as in Hertzmann's
"Painterly rendering with curved brush strokes", SIGGRAPH 1998). Sizes are fractions of the
longer side, so a painting looks the same at any size.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from harmonize.tools.demo.scene_layout import SceneLayout

SUPERSAMPLE = 2  # strokes are drawn at twice the size, then area-averaged down (anti-aliasing)
STEPS = 4  # points on each side of a stroke's centre
EDGE_STOP = 0.22  # RGB distance from the start colour at which a stroke stops
SUBPIXEL_BITS = 3  # cv2.polylines fixed-point shift
GROUND = (0.30, 0.20, 0.12)  # raw umber ground showing between strokes
GROUND_SHARE = 0.45  # ground = mix of the blurred layout and GROUND
RELIEF = 0.9  # strength of the impasto shading
RELIEF_LIMIT = 0.16  # at most +-16 % brightness from the relief
LIGHT = (0.6, 0.8)  # light travels right and down (comes from the top left)


@dataclass(frozen=True)
class BrushLayer:
    """One pass of strokes: width and length as fractions of the longer side; coverage = stroke area / canvas."""

    width: float
    length: float
    coverage: float
    jitter: float  # standard deviation of the value and saturation shift; hue shifts 40x as many degrees


LAYERS = (  # coarse to fine
    BrushLayer(width=0.022, length=0.095, coverage=1.3, jitter=0.05),
    BrushLayer(width=0.014, length=0.065, coverage=1.6, jitter=0.07),
    BrushLayer(width=0.008, length=0.040, coverage=1.2, jitter=0.09),
)


def paint_strokes(layout: SceneLayout, seed: int, layers: tuple[BrushLayer, ...] = LAYERS) -> np.ndarray:
    """(H, W, 3) float32 in [0, 1]: the layout overpainted with strokes; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    height, width = layout.angles.shape
    size = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    ground = (1 - GROUND_SHARE) * cv2.GaussianBlur(layout.colours, (0, 0), 2.0) + GROUND_SHARE * np.asarray(
        GROUND, np.float32
    )
    canvas = cv2.resize(ground, size, interpolation=cv2.INTER_LINEAR)
    canvas = np.round(np.clip(canvas, 0, 1) * 255).astype(np.uint8)
    relief = np.zeros(canvas.shape[:2], np.float32)
    side = max(height, width) * SUPERSAMPLE
    for layer in layers:
        thickness = max(1, round(layer.width * side))
        length = max(2.0, layer.length * side)
        count = int(layer.coverage * size[0] * size[1] / (thickness * length))
        starts = rng.uniform((0, 0), size, (count, 2)).astype(np.float32)
        paths = trace_strokes(starts, layout, length)
        colours = _jittered(_colour_at(layout.colours, starts), layer.jitter, rng)
        heights = rng.uniform(0.3, 1.0, count).astype(np.float32)
        fixed = np.round(paths * (1 << SUBPIXEL_BITS)).astype(np.int32)
        ridge = max(1, thickness // 2)
        for points, colour, lift in zip(fixed, colours, heights, strict=True):
            cv2.polylines(canvas, [points], False, colour.tolist(), thickness, cv2.LINE_AA, SUBPIXEL_BITS)
            cv2.polylines(relief, [points], False, float(lift), thickness, cv2.LINE_8, SUBPIXEL_BITS)
            cv2.polylines(relief, [points], False, float(lift) + 0.3, ridge, cv2.LINE_8, SUBPIXEL_BITS)
    shaded = canvas.astype(np.float32) / 255.0 * (1 + _shading(relief))[..., None]
    small = cv2.resize(shaded, (width, height), interpolation=cv2.INTER_AREA)
    return np.clip(small, 0.0, 1.0).astype(np.float32)


def trace_strokes(starts: np.ndarray, layout: SceneLayout, length: float) -> np.ndarray:
    """(N, 2) x, y start points on the supersampled canvas -> (N, 2 * STEPS + 1, 2) stroke paths."""
    step = length / (2 * STEPS)
    start_colours = _colour_at(layout.colours, starts)
    bounds = np.asarray(
        (layout.angles.shape[1] * SUPERSAMPLE - 1, layout.angles.shape[0] * SUPERSAMPLE - 1), np.float32
    )
    halves = []
    for sign in (1.0, -1.0):
        point, heading = starts.copy(), sign * _direction_at(layout.angles, starts)
        alive = np.ones(len(starts), bool)
        half = []
        for _ in range(STEPS):
            direction = _direction_at(layout.angles, point)
            direction *= np.where(np.sum(direction * heading, axis=1) < 0, -1.0, 1.0)[:, None]
            nxt = np.clip(point + step * direction, 0, bounds)
            same = np.linalg.norm(_colour_at(layout.colours, nxt) - start_colours, axis=1) < EDGE_STOP
            alive &= same
            point = np.where(alive[:, None], nxt, point)
            heading = np.where(alive[:, None], direction, heading)
            half.append(point)
        halves.append(half)
    return np.stack(halves[1][::-1] + [starts] + halves[0], axis=1)


def _pixel(layout_shape: tuple[int, ...], points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column in the layout of supersampled canvas points."""
    cols = np.clip((points[:, 0] / SUPERSAMPLE).astype(np.int64), 0, layout_shape[1] - 1)
    rows = np.clip((points[:, 1] / SUPERSAMPLE).astype(np.int64), 0, layout_shape[0] - 1)
    return rows, cols


def _colour_at(colours: np.ndarray, points: np.ndarray) -> np.ndarray:
    rows, cols = _pixel(colours.shape, points)
    return colours[rows, cols]


def _direction_at(angles: np.ndarray, points: np.ndarray) -> np.ndarray:
    rows, cols = _pixel(angles.shape, points)
    angle = angles[rows, cols]
    return np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)


def _jittered(colours: np.ndarray, jitter: float, rng: np.random.Generator) -> np.ndarray:
    """(N, 3) RGB in [0, 1] -> (N, 3) uint8 RGB with hue, saturation and value shifted at random."""
    hsv = cv2.cvtColor(colours.reshape(-1, 1, 3).astype(np.float32), cv2.COLOR_RGB2HSV).reshape(-1, 3)
    shift = rng.standard_normal(hsv.shape).astype(np.float32) * np.asarray((40 * jitter, jitter, jitter), np.float32)
    hsv = hsv + shift
    hsv[:, 0] %= 360.0
    hsv[:, 1:] = np.clip(hsv[:, 1:], 0.0, 1.0)
    rgb = cv2.cvtColor(hsv.reshape(-1, 1, 3), cv2.COLOR_HSV2RGB).reshape(-1, 3)
    return np.round(np.clip(rgb, 0.0, 1.0) * 255).astype(np.uint8)


def _shading(relief: np.ndarray) -> np.ndarray:
    """(H, W) relative brightness change of a paint-height map lit from the top left."""
    smooth = cv2.GaussianBlur(relief, (0, 0), SUPERSAMPLE * 0.6)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8
    return np.clip(RELIEF * (gx * LIGHT[0] + gy * LIGHT[1]), -RELIEF_LIMIT, RELIEF_LIMIT)
