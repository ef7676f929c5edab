"""bench.json, bench.md and one panel per example."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from harmonize.compare import labelled_row
from harmonize.imageio import load_rgb, save_png
from harmonize.resize import resize_bilinear
from harmonize.tools.bench.runner import RunRecord, paper_images

NAN = float("nan")
MEAN_COLUMNS = ("gram_naive", "gram_pass2", "gram_result", "ssim_naive", "ssim_paper_pass2")


def write_report(records: list[RunRecord], data: Path, out: Path) -> None:
    """Write bench.json, bench.md (with ratios to the reference when it ran) and panels."""
    write_records(records, out)
    lines = [
        "| example | preset | threads | total s | pass 1 s | pass 2 s | post s | peak RSS MiB | Gram naive "
        "| Gram pass 2 | Gram result | SSIM to naive | SSIM to paper pass 2 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        s, q = r.seconds, r.quality
        lines.append(
            f"| {r.example} | {r.preset} | {r.threads} | {s.get('total', 0):.0f} | {s.get('pass1', 0):.0f} | "
            f"{s.get('pass2', 0):.0f} | {s.get('post', 0):.1f} | {r.peak_rss_mib:.0f} | {q['gram_naive']:.3f} | "
            f"{q.get('gram_pass2', NAN):.3f} | {q['gram_result']:.3f} | {q['ssim_naive']:.3f} | "
            f"{q.get('ssim_paper_pass2', NAN):.3f} |"
        )
    lines += _means(records)
    lines += [
        f"\n{r.example} {r.preset}: taken from {r.source}, not measured in this run." for r in records if r.source
    ]
    lines += sorted({f"\nOptions on top of the {r.preset} preset: {r.overrides}." for r in records if r.overrides})
    ratios = _ratios(records)
    if ratios:
        lines += [
            "",
            "| example | speed-up (reference / fast) | Gram change | SSIM-to-naive change |",
            "|---|---|---|---|",
        ]
        lines += [f"| {e} | {x:.1f}x | {g:+.1%} | {c:+.1%} |" for e, (x, g, c) in ratios.items()]
    (out / "bench.md").write_text("\n".join(lines) + "\n")
    for example in sorted({r.example for r in records}):
        runs = [r for r in records if r.example == example]
        naive = resize_bilinear(load_rgb(data / f"{example}_naive.jpg"), *load_rgb(runs[0].images["pass2"]).shape[:2])
        columns = [("naive", naive)]
        for r in runs:
            columns += [(f"{r.preset} {name}", load_rgb(path)) for name, path in r.images.items()]
        columns += paper_images(data, example, naive.shape[:2])
        save_png(out / f"panel_{example}.png", labelled_row(columns))


def _means(records: list[RunRecord]) -> list[str]:
    """One row per preset: the quality columns averaged over its examples, for comparing whole runs."""
    rows = []
    for preset in sorted({r.preset for r in records}):
        runs = [r.quality for r in records if r.preset == preset]
        if len(runs) < 2:
            continue
        mean = {k: float(np.mean([q.get(k, NAN) for q in runs])) for k in MEAN_COLUMNS}
        rows.append(
            f"| mean of {len(runs)} | {preset} | | | | | | | {mean['gram_naive']:.3f} | {mean['gram_pass2']:.3f} | "
            f"{mean['gram_result']:.3f} | {mean['ssim_naive']:.3f} | {mean['ssim_paper_pass2']:.3f} |"
        )
    return rows


def write_records(records: list[RunRecord], out: Path) -> None:
    """bench.json: every record as it was measured (load_records reads it back)."""
    (out / "bench.json").write_text(json.dumps([dataclasses.asdict(r) for r in records], indent=2))


def _ratios(records: list[RunRecord]) -> dict[str, tuple[float, float, float]]:
    by_key = {(r.example, r.preset): r for r in records}
    ratios = {}
    for (example, preset), fast in by_key.items():
        reference = by_key.get((example, "reference"))
        if preset != "fast" or reference is None:
            continue
        ratios[example] = (
            reference.seconds["total"] / fast.seconds["total"],
            fast.quality["gram_result"] / reference.quality["gram_result"] - 1,
            fast.quality["ssim_naive"] / reference.quality["ssim_naive"] - 1,
        )
    return ratios
