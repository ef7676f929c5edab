"""The pairs benchmark built by a rule, not by hand (issue 23): `harmonize bench --pairs rule`.

Every paper example's object (its naive paste cut by its tight mask), except the objects in
EXCLUDED_OBJECTS, goes into three other shared paintings, one from each third of the paintings
ranked by tau (low, mid, high). Within each third the painting is picked by rotating with the
object's rank, so every painting is used (1 to 5 times on the shared data); an object never
goes into its own painting. The placement is the object's own centre and height in its
example, as fractions of its painting, with the height clamped to [MIN_HEIGHT, MAX_HEIGHT].
The scikit-image photo objects (PHOTO_PAIRS) are added as they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from harmonize.imageio import load_mask
from harmonize.tools.bench.pairs import PairCase, photo_pairs
from harmonize.types import Placement

RULE = "rule"  # `harmonize bench --pairs rule` takes these cases instead of a pairs file
EXCLUDED_OBJECTS = frozenset({"15"})  # example 15's "object" is a whole city: issue 23 leaves it out
PAINTINGS_PER_OBJECT = 3  # one per tau band: low, mid, high (issue 23)
MIN_HEIGHT = 0.15  # fraction of the painting: smaller objects are a few relu4_1 cells at 700 px
MAX_HEIGHT = 0.6  # fraction of the painting: leaves painting around the object to harmonize with
MASK_THRESHOLD = 0.5  # the tight mask's object, as the survives measure reads it


def read_taus(data: Path) -> dict[str, float]:
    """Example -> tau from DATA/tau.tsv (the authors' classifier); {} when the file is absent."""
    table = data / "tau.tsv"
    if not table.is_file():
        return {}
    with table.open(newline="") as handle:
        return {row["example"].strip(): float(row["tau"]) for row in csv.DictReader(handle, delimiter="\t")}


def choose_paintings(taus: dict[str, float], own: str, rank: int) -> list[str]:
    """The paintings for the object of example `own`: one per tau band, rotated by the object's `rank`.

    taus: painting -> tau; the paintings other than `own` are sorted by (tau, example number) and
    split into PAINTINGS_PER_OBJECT bands of near-equal size; band b gives its (rank mod size)-th.
    """
    others = sorted((p for p in taus if p != own), key=lambda p: (taus[p], example_order(p)))
    if len(others) < PAINTINGS_PER_OBJECT:
        raise ValueError(f"The rule needs at least {PAINTINGS_PER_OBJECT} other paintings, found {len(others)}.")
    bands = np.array_split(np.array(others, dtype=object), PAINTINGS_PER_OBJECT)
    return [str(band[rank % len(band)]) for band in bands]


def own_placement(tight: np.ndarray) -> Placement:
    """The object's centre and height as fractions of its (H, W) mask in [0, 1], the height clamped."""
    inside = tight > MASK_THRESHOLD
    if not inside.any():
        raise ValueError("The object's mask is empty: it has no placement.")
    rows, cols = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    h, w = tight.shape
    height = (rows[-1] - rows[0] + 1) / h
    return Placement(
        x=float((cols[0] + cols[-1] + 1) / 2 / w),
        y=float((rows[0] + rows[-1] + 1) / 2 / h),
        height=float(np.clip(height, MIN_HEIGHT, MAX_HEIGHT)),
    )


def rule_pairs(data: Path, photos: bool = True) -> list[PairCase]:
    """Every case of the rule, in a fixed order: the examples' objects, then the photo objects."""
    taus = read_taus(data)
    objects = sorted(
        (e for e in taus if e not in EXCLUDED_OBJECTS and (data / f"{e}_c_mask.jpg").is_file()), key=example_order
    )
    cases = []
    for rank, example in enumerate(objects):
        placement = own_placement(load_mask(data / f"{example}_c_mask.jpg"))
        for painting in choose_paintings(taus, example, rank):
            cases.append(PairCase(str(data), example, painting, placement, f"rule: tau {taus[painting]:.2f}"))
    return cases + (photo_pairs(data) if photos else [])


def example_order(example: str) -> tuple[int, str]:
    """Sort key of an example's name: numbers in numeric order, any other name after 0."""
    return (int(example), "") if example.isdigit() else (0, example)
