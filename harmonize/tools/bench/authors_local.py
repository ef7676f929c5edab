"""The local survives and painted-in measures on the authors' results: their calibration (docs/design/painted-in.md)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from harmonize.imageio import load_mask, load_rgb
from harmonize.resize import resize_bilinear
from harmonize.tools.bench.authors_survival import AUTHORS_RESULTS
from harmonize.tools.bench.local_survival import local_survival
from harmonize.tools.bench.painted_in import painted_in

LOCAL_PARTS = ("thin", "near", "cells")
PAINTED_PARTS = ("palette", "marks", "painted_in")


def authors_local(data: Path, example: str) -> dict[str, dict[str, float]]:
    """Per stage ("naive paste", "pass 2", "final"), the local survives parts (not for the paste) and painted-in."""
    naive = load_rgb(data / f"{example}_naive.jpg")
    shape = naive.shape[:2]

    def at_naive_size(image: np.ndarray) -> np.ndarray:
        return image if image.shape[:2] == shape else resize_bilinear(image, *shape)

    painting = at_naive_size(load_rgb(data / f"{example}_target.jpg"))
    tight = at_naive_size(load_mask(data / f"{example}_c_mask.jpg"))
    loose = at_naive_size(load_mask(data / f"{example}_c_mask_dilated.jpg"))
    measures = {"naive paste": painted_in(naive, painting, tight, loose).as_dict()}
    for stage, suffix in AUTHORS_RESULTS.items():
        result = at_naive_size(load_rgb(data / f"{example}_{suffix}"))
        measures[stage] = {
            **local_survival(result, naive, painting, tight).as_dict(),
            **painted_in(result, painting, tight, loose).as_dict(),
        }
    return measures


def local_table(measures: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown: per example, thin / near / cells (pass 2 and final), and painted-in (paste, pass 2, final)."""
    lines = [
        "| example | thin | near | cells | palette (paste / pass 2 / final) | marks (paste / pass 2 / final) |",
        "|---|---|---|---|---|---|",
    ]
    for example, stages in measures.items():
        local = [" / ".join(_f(stages[s][p]) for s in AUTHORS_RESULTS) for p in LOCAL_PARTS]
        painted = [" / ".join(_f(stages[s][p]) for s in ("naive paste", *AUTHORS_RESULTS)) for p in PAINTED_PARTS[:2]]
        lines.append(f"| {example} | " + " | ".join(local + painted) + " |")
    return "\n".join(lines)


def local_distribution(measures: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown: min, lower quartile and median of every part over the examples, per stage."""
    lines = ["| stage | part | min | lower quartile | median |", "|---|---|---|---|---|"]
    for stage in ("naive paste", *AUTHORS_RESULTS):
        parts = PAINTED_PARTS if stage == "naive paste" else LOCAL_PARTS + PAINTED_PARTS
        for part in parts:
            values = [m[stage][part] for m in measures.values() if not math.isnan(m[stage][part])]
            if values:
                low, quartile, median = np.min(values), np.quantile(values, 0.25), np.median(values)
                lines.append(f"| {stage} | {part} | {low:.3f} | {quartile:.3f} | {median:.3f} |")
    return "\n".join(lines)


def _f(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"
