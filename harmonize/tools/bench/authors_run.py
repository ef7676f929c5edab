"""The authors' finals laid out as a bench run, so blind sheets can set ours against theirs (issue 23)."""

from __future__ import annotations

import shutil
from pathlib import Path

from harmonize.imageio import load_rgb, save_png
from harmonize.resize import resize_bilinear
from harmonize.tools.bench.report import write_records
from harmonize.tools.bench.runner import RunRecord, read_records

AUTHORS_FINAL = "final_res2.png"  # N_final_res2.png: pass 2 and post-processing (docs/algorithm.md §5)


def write_authors_run(data: Path, ours: Path, out: Path) -> list[str]:
    """A bench folder `out` holding, for every paper example of our run `ours`, the authors' final.

    Their N_final_res2.png from `data` is resized to our working size; our inputs (the naive paste,
    the painting, the masks) are reused, so a sheet crops both the same way and the bench's measures
    read both against the same painting. Returns the examples written.
    """
    out.mkdir(parents=True, exist_ok=True)
    records, written = [], []
    for record in read_records(ours / "bench.json"):
        source = data / f"{record.example}_{AUTHORS_FINAL}"
        if not source.is_file():
            continue
        naive = load_rgb(ours / Path(record.inputs["naive"]).name)
        stem = out / f"{record.example}_authors"
        save_png(f"{stem}_final.png", resize_bilinear(load_rgb(source), *naive.shape[:2]))
        inputs = {name: f"{stem}_input_{name}.png" for name in record.inputs}
        for name, path in inputs.items():
            shutil.copyfile(ours / Path(record.inputs[name]).name, path)
        records.append(RunRecord(record.example, "authors", {}, 0.0, {}, {"final": f"{stem}_final.png"}, inputs=inputs))
        written.append(record.example)
    write_records(records, out)
    return written
