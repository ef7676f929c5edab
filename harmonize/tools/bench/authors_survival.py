"""The survives measure on the authors' own results: its calibration (docs/design/solid-objects.md)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from harmonize.imageio import load_mask, load_rgb
from harmonize.resize import resize_bilinear
from harmonize.tools.bench.survival import Survival, survival

AUTHORS_RESULTS = {"pass 2": "final_res.png", "final": "final_res2.png"}  # stage -> file suffix (the paper's data)
PARTS = ("shape", "contrast", "show_through")


def authors_examples(data: Path) -> list[str]:
    """The example numbers in `data` that have a naive paste, masks and the authors' results, in order."""
    found = [m.group(1) for p in data.glob("*_naive.jpg") if (m := re.fullmatch(r"(\d+)_naive\.jpg", p.name))]
    needed = ("target.jpg", "c_mask.jpg", "c_mask_dilated.jpg", *AUTHORS_RESULTS.values())
    return sorted((e for e in found if all((data / f"{e}_{s}").is_file() for s in needed)), key=int)


def authors_survival(data: Path, example: str) -> dict[str, Survival]:
    """The measure of the authors' pass 2 and final of `example`, each against its naive paste."""
    naive = load_rgb(data / f"{example}_naive.jpg")
    shape = naive.shape[:2]  # the authors' images can be a few px off the naive's size

    def at_naive_size(image: np.ndarray) -> np.ndarray:
        return image if image.shape[:2] == shape else resize_bilinear(image, *shape)

    painting = at_naive_size(load_rgb(data / f"{example}_target.jpg"))
    tight = at_naive_size(load_mask(data / f"{example}_c_mask.jpg"))
    loose = at_naive_size(load_mask(data / f"{example}_c_mask_dilated.jpg"))
    return {
        stage: survival(at_naive_size(load_rgb(data / f"{example}_{suffix}")), naive, painting, tight, loose)
        for stage, suffix in AUTHORS_RESULTS.items()
    }


def distribution_rows(measures: dict[str, dict[str, Survival]]) -> list[tuple[str, str, float, float, float]]:
    """(stage, part, min, median, max) over the examples, nan contrasts left out."""
    rows = []
    for stage in AUTHORS_RESULTS:
        for part in PARTS:
            values = [getattr(m[stage], part) for m in measures.values()]
            values = [v for v in values if not math.isnan(v)]
            if values:
                rows.append((stage, part, min(values), float(np.median(values)), max(values)))
    return rows


def survival_table(measures: dict[str, dict[str, Survival]]) -> str:
    """Markdown: one row per (name, stage) with the three parts and the two verdicts."""
    lines = ["| case | stage | shape | contrast | show-through | survives | typical |", "|---|---|---|---|---|---|---|"]
    for name, stages in measures.items():
        for stage, m in stages.items():
            lines.append(
                f"| {name} | {stage} | {m.shape:.3f} | {m.contrast:.3f} | {m.show_through:+.3f} | "
                f"{'yes' if m.survives else 'no'} | {'yes' if m.typical else 'no'} |"
            )
    return "\n".join(lines)


def distribution_table(measures: dict[str, dict[str, Survival]]) -> str:
    """Markdown: min / median / max of each part per stage."""
    lines = ["| stage | part | min | median | max |", "|---|---|---|---|---|"]
    lines += [f"| {s} | {p} | {lo:.3f} | {mid:.3f} | {hi:.3f} |" for s, p, lo, mid, hi in distribution_rows(measures)]
    return "\n".join(lines)
