"""bench.json, bench.md and one panel per case of `harmonize bench --pairs`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from harmonize.compare import labelled_row
from harmonize.imageio import load_rgb, save_png
from harmonize.tools.bench.report import write_records
from harmonize.tools.bench.runner import RunRecord

PANEL_COLUMNS = (
    ("painting", "painting"),
    ("naive paste", "naive"),
    ("pass 1", "pass1"),
    ("pass 2", "pass2"),
    ("final", "final"),
)  # (label, image name in the record's inputs or images)


def write_pairs_report(records: list[RunRecord], skipped: list[str], out: Path) -> None:
    """bench.json, bench.md (timings, quality and the survives measure per case) and panel_<case>.png."""
    write_records(records, out)
    lines = [
        "| case | note | preset | size | total s | peak RSS MiB | Gram naive | Gram result | SSIM to naive | "
        "pass 2 shape / contrast / show-through | final shape / contrast / show-through | "
        "survives (pass 2, final) | typical (pass 2, final) | final thin / near / cells / merged | "
        "final palette / marks |",
        "|---" * 15 + "|",
    ]
    lines += [_row(r) for r in records]
    lines += [f"\nSkipped {line}." for line in skipped]
    (out / "bench.md").write_text("\n".join(lines) + "\n")
    for record in records:
        save_png(out / f"panel_{panel_stem(record)}.png", pair_panel(record))


def panel_stem(record: RunRecord) -> str:
    """The case and preset as a file-name stem: "3_in_16_fast"."""
    return f"{record.example.replace(' ', '_')}_{record.preset}"


def pair_panel(record: RunRecord) -> np.ndarray:
    """(H + label, W', 3) float32: painting / naive paste / pass 1 / pass 2 / final of one run, labelled."""
    paths = {**record.inputs, **record.images}
    return labelled_row([(label, load_rgb(paths[name])) for label, name in PANEL_COLUMNS if name in paths])


def _row(r: RunRecord) -> str:
    q = r.quality

    def parts(stage: str) -> str:
        if f"{stage}_shape" not in q:
            return "–"
        return f"{q[f'{stage}_shape']:.2f} / {q[f'{stage}_contrast']:.2f} / {q[f'{stage}_show_through']:+.2f}"

    def verdicts(name: str) -> str:
        return ", ".join("yes" if q[f"{s}_{name}"] else "no" for s in ("pass2", "final") if f"{s}_{name}" in q)

    preset = " ".join(
        [r.preset, *(f"{k} {v:g}" if isinstance(v, (int, float)) else f"{k} {v}" for k, v in r.overrides.items())]
    )
    return (
        f"| {r.example} | {r.note} | {preset} | {r.size} | {r.seconds.get('total', 0):.0f} | "
        f"{r.peak_rss_mib:.0f} | {q['gram_naive']:.3f} | {q['gram_result']:.3f} | {q['ssim_naive']:.3f} | "
        f"{parts('pass2')} | {parts('final')} | {verdicts('survives')} | {verdicts('typical')} | "
        f"{_local(q, ('thin', 'near', 'cells', 'merged'))} | {_local(q, ('palette', 'marks'))} |"
    )


def _local(q: dict[str, float], parts: tuple[str, ...]) -> str:
    """The final's local survives or painted-in parts (docs/design/painted-in.md), "–" when not measured."""
    if f"final_{parts[0]}" not in q:
        return "–"
    return " / ".join("–" if math.isnan(q[f"final_{p}"]) else f"{q[f'final_{p}']:.2f}" for p in parts)
