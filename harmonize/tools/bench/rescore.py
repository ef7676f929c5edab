"""The survives measure recomputed on an earlier pairs run's saved images, without running the engine."""

from __future__ import annotations

from harmonize.imageio import load_mask, load_rgb
from harmonize.tools.bench.runner import RunRecord
from harmonize.tools.bench.survival import Survival, survival

MEASURED_STAGES = ("pass2", "final")


def stage_survival(record: RunRecord, stage: str) -> Survival:
    """The measure of `stage` ("pass2" | "final") of a run from its saved result, naive paste, painting and masks."""
    i = record.inputs
    return survival(
        load_rgb(record.images[stage]),
        load_rgb(i["naive"]),
        load_rgb(i["painting"]),
        load_mask(i["tight_mask"]),
        load_mask(i["dilated_mask"]),
    )


def rescored(record: RunRecord) -> RunRecord:
    """The record with its survives figures recomputed for every saved stage."""
    quality = {k: v for k, v in record.quality.items() if not k.startswith(tuple(f"{s}_" for s in MEASURED_STAGES))}
    for stage in MEASURED_STAGES:
        if stage in record.images:
            measure = stage_survival(record, stage).as_dict()
            quality.update({f"{stage}_{part}": round(value, 4) for part, value in measure.items()})
    return RunRecord(**{**record.__dict__, "quality": quality})
