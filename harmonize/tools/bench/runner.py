"""Runs one bench case under one preset in a child process, measuring time, memory and quality."""

from __future__ import annotations

import csv
import ctypes
import json
import os
import resource
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

import numpy as np

from harmonize.imageio import load_mask, load_rgb
from harmonize.resize import resize_bilinear

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal a process gets when its parent dies

DEFAULT_TAU = 5.0  # used when the data folder has no tau.tsv row for an example
ENGINE_PRESET = {"fast": "fast", "reference": "paper"}  # bench preset -> harmonize.presets name
SAVED_STAGES = ("pass1", "pass2", "final")


@dataclass
class RunRecord:
    """What one (case, preset) run measured."""

    example: str  # the case's name: an example number, or a pair such as "3 in 16"
    preset: str
    seconds: dict[str, float]
    peak_rss_mib: float
    quality: dict[str, float]
    images: dict[str, str] = field(default_factory=dict)
    threads: int = 0  # torch's CPU threads during the run
    size: int = 0  # working size, px
    source: str = ""  # "" when measured in this bench run, else the bench.json it came from
    inputs: dict[str, str] = field(default_factory=dict)  # painting, naive and masks at the working size
    note: str = ""  # what the case shows, for bench.md
    overrides: dict[str, float] = field(default_factory=dict)  # options set on top of the preset, e.g. likeness
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # process CPU seconds per stage (stage_timer.py)
    optimisations: list[dict] = field(default_factory=list)  # each L-BFGS run: size, window, evaluations


@dataclass
class BenchInputs:
    """One case's inputs: (H, W, 3) float images in [0, 1] and (H, W) masks of one size."""

    painting: np.ndarray
    naive: np.ndarray
    tight: np.ndarray
    loose: np.ndarray | None  # None: made from `tight` as the paper does
    tau: float
    paper_pass2: np.ndarray | None = None  # the authors' pass 2 of this case, any size


class BenchCase(Protocol):
    """What the child process runs: a picklable description that loads its own inputs."""

    @property
    def name(self) -> str:
        """The case's name in records and reports."""

    def inputs(self, size: int) -> BenchInputs:
        """The case's inputs; `size` is the working size (cases may compose at it)."""


def example_tau(data: Path, example: str) -> float:
    """tau of `example` from DIR/tau.tsv (the paper's classifier output), else DEFAULT_TAU."""
    table = data / "tau.tsv"
    if table.is_file():
        with table.open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["example"] == example:
                    return float(row["tau"])
    return DEFAULT_TAU


@dataclass(frozen=True)
class PaperExample:
    """Example N of the paper's data: N_target.jpg, N_naive.jpg, N_c_mask.jpg (+ loose mask, results)."""

    data: str
    name: str

    def inputs(self, size: int) -> BenchInputs:
        """The example's images at their own size (the engine resizes them)."""
        folder, n = Path(self.data), self.name
        loose_path, paper_path = folder / f"{n}_c_mask_dilated.jpg", folder / f"{n}_final_res.png"
        return BenchInputs(
            painting=load_rgb(folder / f"{n}_target.jpg"),
            naive=load_rgb(folder / f"{n}_naive.jpg"),
            tight=load_mask(folder / f"{n}_c_mask.jpg"),
            loose=load_mask(loose_path) if loose_path.is_file() else None,
            tau=example_tau(folder, n),
            paper_pass2=load_rgb(paper_path) if paper_path.is_file() else None,
        )


def end_with_parent(parent: int) -> None:
    """In a case's process: end it when the bench that started it (pid `parent`) dies (Linux; elsewhere nothing).

    A bench killed mid-run otherwise leaves the case running on for minutes at a few GiB, and
    every later timing on the machine shares its cores (one such case ran on for 27 minutes).
    prctl(PR_SET_PDEATHSIG, SIGTERM) asks the kernel to send SIGTERM when the parent goes.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request: nothing will send it
        os.kill(os.getpid(), signal.SIGTERM)


def _run_in_child(
    case: BenchCase, preset: str, size: int, out: str, overrides: dict[str, float], threads: int, device: str
) -> RunRecord:
    import torch

    from harmonize.harmonizer import Harmonizer
    from harmonize.imageio import save_png
    from harmonize.presets import preset_options
    from harmonize.quality import gram_distances, luminance_ssim
    from harmonize.stage_timer import StageTimer
    from harmonize.tools.bench.local_survival import local_survival
    from harmonize.tools.bench.painted_in import painted_in
    from harmonize.tools.bench.survival import survival

    if threads:
        torch.set_num_threads(threads)
    timer = StageTimer()
    with timer.stage("network"):
        harmonizer = Harmonizer(device=device)
    with timer.stage("read"):
        given = case.inputs(size)
    options = preset_options(ENGINE_PRESET.get(preset, preset), size=size, tau=given.tau, **overrides)
    result = harmonizer.run(given.painting, given.naive, given.tight, given.loose, options, timer=timer)
    net = harmonizer.net
    final = result.final if result.final is not None else result.pass2
    grams = gram_distances(net, [result.naive, result.pass2, final], result.painting, result.tight_mask)
    quality = {
        "gram_naive": grams[0],
        "gram_pass2": grams[1],
        "gram_result": grams[2],
        "ssim_naive": luminance_ssim(final, result.naive, result.dilated_mask),
    }
    if given.paper_pass2 is not None:
        reference = resize_bilinear(given.paper_pass2, *result.naive.shape[:2])
        quality["ssim_paper_pass2"] = luminance_ssim(result.pass2, reference, result.dilated_mask)
    for stage in ("pass2", "final"):
        image = getattr(result, stage)
        if image is not None:
            measure = survival(image, result.naive, result.painting, result.tight_mask, result.dilated_mask)
            quality.update({f"{stage}_{part}": value for part, value in measure.as_dict().items()})
            local = local_survival(image, result.naive, result.painting, result.tight_mask).as_dict()
            local.update(painted_in(image, result.painting, result.tight_mask, result.dilated_mask).as_dict())
            quality.update({f"{stage}_{part}": value for part, value in local.items()})
    stem = Path(out) / f"{case.name.replace(' ', '_')}_{preset}"
    images = {}
    with timer.stage("write"):
        for name in SAVED_STAGES:
            image = getattr(result, name)
            if image is not None:
                images[name] = f"{stem}_{name}.png"
                save_png(images[name], image)
    inputs = {name: f"{stem}_input_{name}.png" for name in ("painting", "naive", "tight_mask", "dilated_mask")}
    for name, path in inputs.items():
        save_png(path, getattr(result, name))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return RunRecord(
        case.name,
        preset,
        {k: round(v, 2) for k, v in result.seconds.items()},
        round(peak, 1),
        {k: round(v, 4) for k, v in quality.items()},
        images,
        torch.get_num_threads(),
        size,
        "",
        inputs,
        getattr(case, "note", ""),
        dict(overrides),
        {k: round(v, 2) for k, v in result.times.cpu.items()},
        result.times.to_dict()["optimisations"],
    )


def run_case(
    case: BenchCase,
    preset: str,
    size: int,
    out: Path,
    overrides: dict[str, float] | None = None,
    threads: int = 0,
    device: str = "cpu",
) -> RunRecord:
    """One run in a fresh process, so its peak RSS is its own; `overrides` go on top of the preset's options.

    preset: a bench name of ENGINE_PRESET or any harmonize.presets name; threads: torch's CPU
    threads in the child (0: torch's default); device: "cpu" or "cuda".
    """
    with ProcessPoolExecutor(
        max_workers=1, mp_context=get_context("spawn"), initializer=end_with_parent, initargs=(os.getpid(),)
    ) as pool:
        return pool.submit(_run_in_child, case, preset, size, str(out), overrides or {}, threads, device).result()


def run_example(
    data: Path,
    example: str,
    preset: str,
    size: int,
    out: Path,
    overrides: dict[str, float] | None = None,
    threads: int = 0,
    device: str = "cpu",
) -> RunRecord:
    """Example N of the paper's data under one preset (options in `overrides` on top), in a fresh process."""
    return run_case(PaperExample(str(data), example), preset, size, out, overrides, threads, device)


def read_records(path: Path) -> list[RunRecord]:
    """Every record of an earlier bench.json, as written."""
    try:
        return [RunRecord(**row) for row in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError) as error:
        raise ValueError(f"Cannot read earlier bench results from {path}: {error}") from None


def load_records(path: Path, preset: str, size: int) -> dict[str, RunRecord]:
    """The `preset` runs at `size` px of an earlier bench.json, by example, marked with their source."""
    found = {}
    for record in read_records(path):
        if record.preset == preset and record.size == size:
            record.source = str(path)
            found[record.example] = record
    if not found:
        raise ValueError(f"{path} has no {preset!r} runs at {size} px.")
    return found


def paper_images(data: Path, example: str, shape: tuple[int, int]) -> list[tuple[str, np.ndarray]]:
    """The authors' pass 1 / pass 2 / final for the panel, when DIR has them."""
    found = []
    for label, suffix in (
        ("paper pass 1", "inter_res.jpg"),
        ("paper pass 2", "final_res.png"),
        ("paper final", "final_res2.png"),
    ):
        path = data / f"{example}_{suffix}"
        if path.is_file():
            found.append((label, resize_bilinear(load_rgb(path), *shape)))
    return found
