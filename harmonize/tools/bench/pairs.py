"""Objects placed in paintings they were not made for: the cases of `harmonize bench --pairs`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harmonize.cutout import cut_out
from harmonize.imageio import load_mask, load_rgb, to_uint8
from harmonize.placement import compose
from harmonize.resize import fit_longest_side, resize_bilinear
from harmonize.tools.bench.photo_objects import PHOTO_OBJECTS
from harmonize.tools.bench.runner import BenchInputs, example_tau
from harmonize.types import Placement

PAIR_COLUMNS = ("object", "painting", "x", "y", "height", "note")  # the pairs file's header


@dataclass(frozen=True)
class PairCase:
    """An object (a paper example's N or a photo's name) placed in example M's painting."""

    data: str  # the paper's data folder
    object: str
    painting: str
    placement: Placement
    note: str = ""

    @property
    def name(self) -> str:
        """ "3 in 16", "coffee in 9"."""
        return f"{self.object} in {self.painting}"

    def inputs(self, size: int) -> BenchInputs:
        """The painting at `size` px with the object composed into it (harmonize_object's order)."""
        folder = Path(self.data)
        painting = load_rgb(folder / f"{self.painting}_target.jpg")
        painting = resize_bilinear(painting, *fit_longest_side(painting.shape[0], painting.shape[1], size))
        naive, tight = compose(painting, self.object_rgba(), self.placement)
        return BenchInputs(painting, naive, tight, None, example_tau(folder, self.painting))

    def object_rgba(self) -> np.ndarray:
        """(h, w, 4) uint8: the photo's cut-out, or example N's naive paste cut by its tight mask."""
        if self.object in PHOTO_OBJECTS:
            return PHOTO_OBJECTS[self.object]()
        return example_object(Path(self.data), self.object)


def example_object(data: Path, example: str) -> np.ndarray:
    """(h, w, 4) uint8: N_naive.jpg with N_c_mask.jpg as alpha, cleaned and cropped to the object."""
    naive = load_rgb(data / f"{example}_naive.jpg")
    mask = load_mask(data / f"{example}_c_mask.jpg")
    return cut_out(np.dstack([to_uint8(naive), to_uint8(mask)]), method="alpha")


# Photo objects in a few shared paintings, placed by eye: (object, painting, x, y, height, note).
PHOTO_PAIRS = (
    ("coffee", "16", 0.55, 0.78, 0.3, "a coffee cup on an impressionist bridge"),
    ("coffee", "9", 0.75, 0.78, 0.3, "a coffee cup over the Starry Night's village"),
    ("astronaut", "2", 0.3, 0.6, 0.6, "an astronaut among the dancers of a sepia print"),
    ("astronaut", "16", 0.3, 0.65, 0.5, "an astronaut on an impressionist bridge"),
    ("chelsea", "9", 0.6, 0.3, 0.35, "a cat's head in the Starry Night's sky"),
    ("chelsea", "2", 0.8, 0.55, 0.35, "a cat's head beside the dancers"),
)


def read_pairs(path: Path, data: Path) -> list[PairCase]:
    """The cases of a tab-separated pairs file (object, painting, x, y, height, note), validated."""
    try:
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as error:
        raise ValueError(f"Cannot read the pairs file {path}: {error.strerror}.") from None
    if not rows or any(column not in rows[0] for column in PAIR_COLUMNS[:5]):
        raise ValueError(f"{path} must be tab-separated with the columns {', '.join(PAIR_COLUMNS)}.")
    cases = []
    for line, row in enumerate(rows, start=2):
        try:
            placement = Placement(float(row["x"]), float(row["y"]), float(row["height"]))
        except (TypeError, ValueError):
            raise ValueError(f"{path} line {line}: x, y and height must be numbers.") from None
        cases.append(
            PairCase(
                str(data), row["object"].strip(), row["painting"].strip(), placement, (row.get("note") or "").strip()
            )
        )
    return cases


def photo_pairs(data: Path) -> list[PairCase]:
    """The scikit-image photo objects in the shared paintings (PHOTO_PAIRS)."""
    return [PairCase(str(data), o, p, Placement(x, y, h), note) for o, p, x, y, h, note in PHOTO_PAIRS]


def missing_inputs(cases: list[PairCase]) -> list[str]:
    """One line per case whose files are absent from its data folder (what to skip, and why)."""
    missing = []
    for case in cases:
        folder = Path(case.data)
        needed = [f"{case.painting}_target.jpg"]
        if case.object not in PHOTO_OBJECTS:
            needed += [f"{case.object}_naive.jpg", f"{case.object}_c_mask.jpg"]
        absent = [name for name in needed if not (folder / name).is_file()]
        if absent:
            missing.append(f"{case.name}: {folder} has no {', '.join(absent)}")
    return missing
