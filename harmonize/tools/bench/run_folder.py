"""A bench run's folder: its records by case, and the images they name (issue 23's sheets and reports)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harmonize.imageio import load_mask, load_rgb
from harmonize.tools.bench.runner import RunRecord, read_records


def records_by_case(run: Path) -> dict[str, RunRecord]:
    """The run's records by case name (bench.json in the run's folder)."""
    records = read_records(run / "bench.json")
    if not records:
        raise ValueError(f"{run}/bench.json holds no runs.")
    return {record.example: record for record in records}


def _local(run: Path, path: str) -> Path:
    """A file a record names, found in the run's own folder (the run may have been made elsewhere)."""
    return run / Path(path).name


def run_input(record: RunRecord, run: Path, name: str) -> np.ndarray:
    """The record's input image `name` ("naive", "painting"): (H, W, 3) float32 RGB in [0, 1]."""
    return load_rgb(_local(run, record.inputs[name]))


def run_mask(record: RunRecord, run: Path, name: str = "tight_mask") -> np.ndarray:
    """The record's mask `name` ("tight_mask", "dilated_mask"): (H, W) float32 in [0, 1]."""
    return load_mask(_local(run, record.inputs[name]))


def run_final(record: RunRecord, run: Path) -> np.ndarray:
    """The record's final (its pass 2 where it has none): (H, W, 3) float32 RGB in [0, 1]."""
    return load_rgb(_local(run, record.images.get("final") or record.images["pass2"]))
