"""The cut-out benchmark's outputs: results JSON, a markdown table, and sheets of cut-outs."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from harmonize.tools.cutout_bench.cases import Case
from harmonize.tools.cutout_bench.runner import MethodScores

TILE = 200  # px: the longest side of one case on a sheet
LABEL_H = 16  # px of caption above each column
BACKDROP = np.array([0, 190, 0], np.float32)  # a green screen: what the cut-out left out shows green


def write_results(out: Path, results: list[MethodScores], skipped: dict[str, str], settings: dict) -> None:
    """cutout-bench.json (every case) and cutout-bench.md (the table) in `out`."""
    data = {
        "settings": settings,
        "skipped": skipped,
        "methods": {r.method: {"summary": r.summary(), "cases": [vars(s) for s in r.scores]} for r in results},
    }
    (out / "cutout-bench.json").write_text(json.dumps(data, indent=2) + "\n")
    (out / "cutout-bench.md").write_text(markdown_table(results, skipped))


def markdown_table(results: list[MethodScores], skipped: dict[str, str]) -> str:
    """Mean IoU, boundary F, see-through and edge dE per method, best IoU first, and the methods that could not run."""
    lines = [
        "| method | mean IoU | median IoU | IoU >= 0.9 | mean boundary F | see-through | edge dE | failures "
        "| s / photo |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in sorted(results, key=lambda r: -r.summary()["mean_iou"]):
        s = result.summary()
        lines.append(
            f"| {result.method} | {s['mean_iou']:.3f} | {s['median_iou']:.3f} | {s['share_iou_0_9']:.0%} | "
            f"{s['mean_boundary_f']:.3f} | {s['mean_see_through']:.1%} | {s['mean_edge_de']:.2f} | {s['failures']} | "
            f"{s['mean_seconds']:.2f} |"
        )
    lines += [f"\nNot run: {method}: {why}" for method, why in skipped.items()]
    return "\n".join(lines) + "\n"


def on_backdrop(photo: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 photo over a green screen through an (h, w) alpha in [0, 1]."""
    a = np.asarray(alpha, np.float32)[..., None]
    return np.round(photo.astype(np.float32) * a + BACKDROP * (1.0 - a)).astype(np.uint8)


def _fit(image: np.ndarray, side: int = TILE) -> np.ndarray:
    """The image scaled to `side` px wide, or tall if it is taller than wide."""
    scale = side / max(image.shape[:2])
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def sheet(columns: dict[str, list[np.ndarray]]) -> Image.Image:
    """A grid: one labelled column per entry of `columns`, one row per image, rows as tall as they need."""
    names = list(columns)
    rows = [[_fit(columns[name][r]) for name in names] for r in range(len(columns[names[0]]))]
    heights = [max(tile.shape[0] for tile in row) for row in rows]
    grid = Image.new("RGB", (TILE * len(names), LABEL_H + sum(heights)), "white")
    draw = ImageDraw.Draw(grid)
    for c, name in enumerate(names):
        draw.text((c * TILE + 4, 2), name, fill="black")
    top = LABEL_H
    for row, height in zip(rows, heights, strict=True):
        for c, tile in enumerate(row):
            grid.paste(Image.fromarray(tile), (c * TILE, top))
        top += height
    return grid


def case_sheet(cases: list[Case], results: list[MethodScores]) -> Image.Image:
    """Each case: the photo, the truth and every method's cut-out on a green screen."""
    columns = {"photo": [c.photo for c in cases], "truth": [on_backdrop(c.photo, c.truth) for c in cases]}
    for result in results:
        columns[result.method] = [on_backdrop(c.photo, m) for c, m in zip(cases, result.masks, strict=True)]
    return sheet(columns)
