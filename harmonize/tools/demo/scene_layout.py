"""The demo painting's underdrawing: a smooth colour layout and the direction of its strokes.

A still life with a view, in the manner of Van Gogh: a swirling sunset sky with stars, violet
hills, a golden lake, a wheat field and a cypress behind a wooden table that holds a terracotta
vase and two oranges, with room for the demo's coffee cup. Every number below is an
artistic choice (fractions of the image, RGB in [0, 1]), not a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TABLE_TOP = 0.72  # the table's far edge, as a fraction of the height (example.py stands the cup on it)
HORIZON = 0.52  # the lake's far shore
SUN = (0.74, 0.33, 0.085)  # centre x, centre y, radius: fractions of width, height, height
STARS = ((0.09, 0.09), (0.30, 0.07), (0.46, 0.21), (0.93, 0.09), (0.58, 0.06))  # x, y fractions
SWIRLS = ((0.30, 0.22, 0.13, 1.0), (0.55, 0.13, 0.09, -0.9), (0.10, 0.30, 0.08, 0.8))  # x, y, radius, spin
CYPRESS = (0.13, 0.10, 0.055)  # centre x, top y, half width at its widest: fractions of width/height

SKY_TOP, SKY_MID, SKY_LOW = (0.10, 0.20, 0.50), (0.30, 0.50, 0.68), (0.96, 0.74, 0.36)
SUN_CORE, SUN_RIM, SUN_GLOW = (1.00, 0.94, 0.62), (0.98, 0.72, 0.16), (0.96, 0.80, 0.40)
STAR_COLOUR = (0.98, 0.95, 0.70)
HILLS_HIGH, HILLS_LOW = (0.56, 0.32, 0.46), (0.32, 0.16, 0.30)
LAKE_FAR, LAKE_NEAR = (0.90, 0.66, 0.36), (0.28, 0.30, 0.52)
SHORE_LIGHT, SHORE_DARK = (0.94, 0.76, 0.30), (0.58, 0.44, 0.14)
CYPRESS_LIGHT, CYPRESS_DARK = (0.26, 0.28, 0.12), (0.10, 0.11, 0.06)
VASE = (0.86, 0.52, 0.94, 0.14)  # centre x, lip y, base y, belly half width (of the height)
ORANGES = ((0.08, 0.87, 0.075), (0.17, 0.93, 0.065))  # centre x, y, radius (of the height)
VASE_LIGHT, VASE_MID, VASE_DARK = (0.98, 0.66, 0.46), (0.74, 0.28, 0.13), (0.30, 0.08, 0.05)
ORANGE_LIGHT, ORANGE_MID, ORANGE_DARK = (1.00, 0.84, 0.36), (0.94, 0.52, 0.12), (0.52, 0.20, 0.05)
OUTLINE = (0.16, 0.10, 0.16)  # the dark contour Van Gogh drew round objects
OBJECT_LIGHT = (-0.45, -0.55, 0.70)  # light direction for the round objects: from the top left, towards the viewer
TABLE_LIGHT, TABLE_DARK, TABLE_EDGE = (0.80, 0.44, 0.20), (0.34, 0.12, 0.06), (0.95, 0.70, 0.35)
NOISE_AMOUNT = 0.03  # smooth colour variation added everywhere
NOISE_SCALE = 0.04  # its blur, fraction of the longer side
FLOW_SMOOTHING = 0.012  # blur of the direction field, fraction of the longer side


@dataclass(frozen=True)
class SceneLayout:
    """colours: (H, W, 3) float32 in [0, 1]; angles: (H, W) float32 stroke directions in radians."""

    colours: np.ndarray
    angles: np.ndarray


def landscape_layout(height: int, width: int, seed: int) -> SceneLayout:
    """The smooth colour layout and stroke directions of the demo landscape at (height, width)."""
    if height < 8 or width < 8:
        raise ValueError(f"The demo painting needs at least 8x8 px, got {width}x{height}.")
    rng = np.random.default_rng(seed)
    v, u = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = (u + 0.5) / width, (v + 0.5) / height
    aspect = width / height
    colours, flow = _sky(u, v, aspect)
    for paint in (_hills, _lake, _shore, _cypress, _table, _still_life):
        region, region_colours, region_flow = paint(u, v, aspect)
        colours = np.where(region[..., None], region_colours, colours)
        flow = np.where(region[..., None], region_flow, flow)
    colours = colours + NOISE_AMOUNT * _smooth_noise(rng, height, width, 3)
    side = max(height, width)
    flow = cv2.GaussianBlur(flow.astype(np.float32), (0, 0), max(0.5, FLOW_SMOOTHING * side))
    angles = np.arctan2(flow[..., 1], flow[..., 0])
    return SceneLayout(np.clip(colours, 0.0, 1.0).astype(np.float32), angles.astype(np.float32))


def _mix(a: tuple[float, float, float], b: tuple[float, float, float], t: np.ndarray) -> np.ndarray:
    """Per-pixel blend from colour a (t = 0) to b (t = 1): (H, W, 3)."""
    t = np.clip(t, 0.0, 1.0)[..., None]
    return (1 - t) * np.asarray(a, np.float32) + t * np.asarray(b, np.float32)


def _unit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(H, W, 2) unit vectors."""
    norm = np.maximum(np.hypot(x, y), 1e-6)
    return np.stack([x / norm, y / norm], axis=-1)


def _sky(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Blue gradient, sun with glow and halo rings, stars; wind bands bent into swirls."""
    t = v / HORIZON
    colours = np.where((t < 0.5)[..., None], _mix(SKY_TOP, SKY_MID, 2 * t), _mix(SKY_MID, SKY_LOW, 2 * t - 1))
    bands = 0.5 + 0.5 * np.sin(2 * np.pi * (3.0 * v + 0.6 * np.sin(2 * np.pi * u * 1.3)))
    colours = colours + 0.08 * (bands[..., None] - 0.5) * np.asarray((0.6, 0.8, 1.0), np.float32)
    sx, sy, radius = SUN
    dx, dy = (u - sx) * aspect, v - sy
    distance = np.hypot(dx, dy) / radius
    colours = _glow(colours, distance, SUN_GLOW, 0.55, 3.2)
    rings = (distance > 1) & (distance < 2.6) & (np.sin(2 * np.pi * distance * 1.4) > 0.35)
    colours = np.where(rings[..., None], _mix(SUN_GLOW, SKY_LOW, (distance - 1) / 2.5), colours)
    colours = np.where((distance < 1)[..., None], _mix(SUN_CORE, SUN_RIM, distance**2), colours)
    wind_x = np.ones_like(u)
    wind_y = 0.25 * np.cos(2 * np.pi * (3.0 * v + 0.6 * np.sin(2 * np.pi * u * 1.3)))
    flow = _unit(wind_x, wind_y)
    for cx, cy, r, spin in SWIRLS:
        ex, ey = (u - cx) * aspect, v - cy
        weight = 2.5 * spin * np.exp(-(ex**2 + ey**2) / r**2) / r
        flow = flow + np.stack([-ey * weight, ex * weight], axis=-1)
    around_sun = np.exp(-((distance / 2.8) ** 4))[..., None]
    flow = (1 - around_sun) * flow + around_sun * 3 * _unit(-dy, dx)
    for x, y in STARS:
        star = np.hypot((u - x) * aspect, v - y) / 0.022
        colours = _glow(colours, star, STAR_COLOUR, 0.9, 1.0)
        ring = np.exp(-((star / 2.2) ** 4))[..., None]
        flow = (1 - ring) * flow + ring * 3 * _unit(-(v - y), (u - x) * aspect)
    return colours, flow


def _glow(
    colours: np.ndarray, distance: np.ndarray, colour: tuple[float, float, float], strength: float, reach: float
) -> np.ndarray:
    """Blend towards `colour` with a weight falling off with distance (in radii)."""
    weight = (strength * np.exp(-((distance / reach) ** 2)))[..., None]
    return weight * np.asarray(colour, np.float32) + (1 - weight) * colours


def _hill_line(u: np.ndarray) -> np.ndarray:
    """The far hills' ridge, as y fractions."""
    return 0.41 + 0.045 * np.sin(2 * np.pi * (1.1 * u + 0.15)) + 0.025 * np.sin(2 * np.pi * (2.9 * u + 0.4))


def _hills(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ridge = _hill_line(u)
    region = (v >= ridge) & (v < HORIZON + 0.01)
    colours = _mix(HILLS_HIGH, HILLS_LOW, (v - ridge) / np.maximum(HORIZON - ridge, 1e-3))
    slope = (_hill_line(u + 1e-3) - ridge) / 1e-3 / aspect
    depth = np.clip((v - ridge) / 0.08, 0.0, 1.0)
    return region, colours, _unit(np.ones_like(u), slope * (1 - depth))


def _lake(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    region = v >= HORIZON
    colours = _mix(LAKE_FAR, LAKE_NEAR, (v - HORIZON) / (TABLE_TOP - HORIZON))
    ripples = 0.5 + 0.5 * np.sin(2 * np.pi * (v - HORIZON) * 38 + 2 * np.sin(2 * np.pi * u * 2.0))
    colours = colours + 0.07 * (ripples[..., None] - 0.5)
    sx, _, radius = SUN
    column = np.exp(-(((u - sx) * aspect / (radius * (0.8 + 6 * (v - HORIZON)))) ** 2))
    broken = (column * (0.55 + 0.45 * ripples))[..., None]
    colours = broken * np.asarray(SUN_RIM, np.float32) + (1 - broken) * colours
    return region, colours, _unit(np.ones_like(u), 0.05 * np.sin(2 * np.pi * 3 * u))


def _shore_line(u: np.ndarray) -> np.ndarray:
    """The near left shore's top edge, as y fractions (it falls into the lake at u ~ 0.42)."""
    return 0.47 + 0.30 * (u / 0.42) ** 2 - 0.02 * np.sin(2 * np.pi * 4 * u)


def _shore(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    line = _shore_line(u)
    region = v >= line
    fields = 0.5 + 0.5 * np.sin(2 * np.pi * ((v - line) * 14 + 0.8 * u))
    colours = _mix(SHORE_LIGHT, SHORE_DARK, 0.35 + 0.65 * fields)
    slope = (_shore_line(u + 1e-3) - line) / 1e-3 / aspect
    return region, colours, _unit(np.ones_like(u), slope)


def _cypress(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cx, top, half = CYPRESS
    along = np.clip((v - top) / (TABLE_TOP - top), 0.0, 1.0)
    flame = half * np.sqrt(along) * (1 - 0.35 * along) * (1 + 0.18 * np.sin(2 * np.pi * 7 * along))
    sway = 0.012 * np.sin(2 * np.pi * 2.5 * along)
    region = (v >= top) & (np.abs(u - cx - sway) <= flame)
    shade = np.clip(0.5 + (u - cx - sway) / np.maximum(flame, 1e-3), 0.0, 1.0)
    colours = _mix(CYPRESS_LIGHT, CYPRESS_DARK, shade)
    wiggle = 0.6 * np.sin(2 * np.pi * 9 * along + 3 * (u - cx) / half)
    return region, colours, _unit(wiggle, np.ones_like(u))


def _table(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    region = v >= TABLE_TOP
    depth = (v - TABLE_TOP) / (1 - TABLE_TOP)
    grain = 0.5 + 0.5 * np.sin(2 * np.pi * (depth * 6 + 0.25 * np.sin(2 * np.pi * (u * 1.7 + depth))))
    colours = _mix(TABLE_LIGHT, TABLE_DARK, 0.35 + 0.25 * grain + 0.35 * depth)
    edge = np.exp(-(((v - TABLE_TOP) / 0.012) ** 2))[..., None]
    colours = edge * np.asarray(TABLE_EDGE, np.float32) + (1 - edge) * colours
    return region, colours, _unit(np.ones_like(u), 0.12 * np.sin(2 * np.pi * (u * 1.7 + depth)))


def _still_life(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The vase and the oranges: shaded round forms with a dark contour, strokes wrapping round them."""
    cx, top, bottom, belly = VASE
    along = (v - top) / (bottom - top)
    half_width = belly * _vase_profile(np.clip(along, 0.0, 1.0))
    across = (u - cx) * aspect / np.maximum(half_width, 1e-3)
    region = (along >= 0) & (along <= 1) & (np.abs(across) <= 1)
    colours = _shaded(across, np.zeros_like(across), np.abs(across), (VASE_LIGHT, VASE_MID, VASE_DARK))
    flow = _unit(np.ones_like(u), -0.7 * across)
    for ox, oy, radius in ORANGES:
        ex, ey = (u - ox) * aspect / radius, (v - oy) / radius
        distance = np.hypot(ex, ey)
        inside = distance <= 1.0
        orange = _shaded(ex, ey, distance, (ORANGE_LIGHT, ORANGE_MID, ORANGE_DARK))
        colours = np.where(inside[..., None], orange, colours)
        flow = np.where(inside[..., None], _unit(-ey, ex), flow)
        region |= inside
    return region, colours, flow


def _vase_profile(along: np.ndarray) -> np.ndarray:
    """The vase's half width along its height (0 = lip, 1 = base), as a fraction of its belly."""
    belly = np.sqrt(np.clip(1 - ((along - 0.62) / 0.40) ** 2, 0.0, 1.0))
    neck = 0.42 + 0.25 * np.clip((0.14 - along) / 0.14, 0.0, 1.0)  # a flared lip above a narrow neck
    return np.maximum(belly, np.where(along < 0.45, neck, 0.0))


def _shaded(
    ex: np.ndarray, ey: np.ndarray, radius: np.ndarray, palette: tuple[tuple[float, float, float], ...]
) -> np.ndarray:
    """Lambert shading of a round form in normalised coordinates, with a dark contour near radius 1."""
    nz = np.sqrt(np.clip(1 - ex**2 - ey**2, 0.0, 1.0))
    light = np.asarray(OBJECT_LIGHT, np.float32) / np.linalg.norm(OBJECT_LIGHT)
    lit = np.clip(ex * light[0] + ey * light[1] + nz * light[2], 0.0, 1.0)
    light_colour, mid, dark = palette
    colours = np.where((lit < 0.5)[..., None], _mix(dark, mid, 2 * lit), _mix(mid, light_colour, 2 * lit - 1))
    contour = np.clip((radius - 0.80) / 0.08, 0.0, 1.0)[..., None]
    return contour * np.asarray(OUTLINE, np.float32) + (1 - contour) * colours


def _smooth_noise(rng: np.random.Generator, height: int, width: int, channels: int) -> np.ndarray:
    """(H, W, C) low-frequency noise with unit standard deviation."""
    white = rng.standard_normal((height, width, channels)).astype(np.float32)
    noise = cv2.GaussianBlur(white, (0, 0), max(1.0, NOISE_SCALE * max(height, width)))
    return noise / max(float(noise.std()), 1e-6)
