"""Runs one example under one preset in a child process, measuring time, memory and quality."""

from __future__ import annotations

import csv
import json
import resource
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from harmonize.imageio import load_mask, load_rgb
from harmonize.resize import resize_bilinear

DEFAULT_TAU = 5.0  # used when the data folder has no tau.tsv row for an example
ENGINE_PRESET = {"fast": "fast", "reference": "paper"}  # bench preset -> harmonize.presets name


@dataclass
class RunRecord:
    """What one (example, preset) run measured."""

    example: str
    preset: str
    seconds: dict[str, float]
    peak_rss_mib: float
    quality: dict[str, float]
    images: dict[str, str] = field(default_factory=dict)
    threads: int = 0  # torch's CPU threads during the run
    size: int = 0  # working size, px
    source: str = ""  # "" when measured in this bench run, else the bench.json it came from


def example_tau(data: Path, example: str) -> float:
    """tau of `example` from DIR/tau.tsv (the paper's classifier output), else DEFAULT_TAU."""
    table = data / "tau.tsv"
    if table.is_file():
        with table.open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["example"] == example:
                    return float(row["tau"])
    return DEFAULT_TAU


def _run_in_child(data: str, example: str, preset: str, size: int, out: str) -> RunRecord:
    import torch

    from harmonize.harmonizer import Harmonizer
    from harmonize.imageio import save_png
    from harmonize.presets import preset_options
    from harmonize.quality import gram_distance, luminance_ssim

    folder = Path(data)
    options = preset_options(ENGINE_PRESET[preset], size=size, tau=example_tau(folder, example))
    painting = load_rgb(folder / f"{example}_target.jpg")
    naive = load_rgb(folder / f"{example}_naive.jpg")
    mask = load_mask(folder / f"{example}_c_mask.jpg")
    loose_path = folder / f"{example}_c_mask_dilated.jpg"
    loose = load_mask(loose_path) if loose_path.is_file() else None
    harmonizer = Harmonizer(device="cpu")
    result = harmonizer.run(painting, naive, mask, loose, options)
    net = harmonizer.net
    final = result.final if result.final is not None else result.pass2
    quality = {
        "gram_naive": gram_distance(net, result.naive, result.painting, result.tight_mask),
        "gram_result": gram_distance(net, final, result.painting, result.tight_mask),
        "ssim_naive": luminance_ssim(final, result.naive, result.dilated_mask),
    }
    paper = folder / f"{example}_final_res.png"
    if paper.is_file():
        reference = resize_bilinear(load_rgb(paper), *result.naive.shape[:2])
        quality["ssim_paper_pass2"] = luminance_ssim(result.pass2, reference, result.dilated_mask)
    images = {}
    for name in ("pass1", "pass2", "final"):
        image = getattr(result, name)
        if image is not None:
            images[name] = str(Path(out) / f"{example}_{preset}_{name}.png")
            save_png(images[name], image)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return RunRecord(example, preset, {k: round(v, 2) for k, v in result.seconds.items()}, round(peak, 1),
                     {k: round(v, 4) for k, v in quality.items()}, images, torch.get_num_threads(), size)


def run_example(data: Path, example: str, preset: str, size: int, out: Path) -> RunRecord:
    """One run in a fresh process, so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_run_in_child, str(data), example, preset, size, str(out)).result()


def load_records(path: Path, preset: str, size: int) -> dict[str, RunRecord]:
    """The `preset` runs at `size` px of an earlier bench.json, by example, marked with their source."""
    try:
        rows = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"Cannot read earlier bench results from {path}: {error}") from None
    found = {}
    for row in rows:
        if row.get("preset") == preset and row.get("size") == size:
            row["source"] = str(path)
            found[row["example"]] = RunRecord(**row)
    if not found:
        raise ValueError(f"{path} has no {preset!r} runs at {size} px.")
    return found


def paper_images(data: Path, example: str, shape: tuple[int, int]) -> list[tuple[str, np.ndarray]]:
    """The authors' pass 1 / pass 2 / final for the panel, when DIR has them."""
    found = []
    for label, suffix in (("paper pass 1", "inter_res.jpg"), ("paper pass 2", "final_res.png"),
                          ("paper final", "final_res2.png")):
        path = data / f"{example}_{suffix}"
        if path.is_file():
            found.append((label, resize_bilinear(load_rgb(path), *shape)))
    return found
