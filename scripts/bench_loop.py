"""Benchmark of the chat loop's speeds (issue 16): preview after an upload, re-render after a move,
and the `draft` quality end to end with its ratio to `standard`, measured in the same run.

    .venv/bin/python scripts/bench_loop.py OUT_DIR [--skip-engine] [--repeats 3]
        [--engine-qualities draft,standard]

Inputs are made here: the demo's generated painting and scikit-image's CC0 coffee photo, both
scaled to 12 megapixels (4000 x 3000) and saved as a JPEG the way a phone would send them, plus
the cut-out cup as a 12-megapixel PNG with transparency (the alpha method). Prints a table and
writes OUT_DIR/bench_loop.json and OUT_DIR/bench_loop.md. Targets: preview <= 3 s, re-render
<= 1 s, draft <= 30 s, on 2 CPU cores. Each engine run also records the CPU seconds of this
process (all its threads): on a shared, overloaded machine wall time says little, while an
uncontended run on 2 cores takes between half that CPU time and all of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from bot.core.chat.loop_state import LoopState, moved
from bot.core.chat.preview import PreviewRenderer
from bot.core.settings import DEFAULT_QUALITIES
from harmonize.cutout import Cutter

PHOTO_SIZE = (4000, 3000)  # 12 megapixels, a phone camera's default
TARGETS_S = {"preview": 3.0, "rerender": 1.0, "draft": 30.0}


def make_inputs(folder: Path) -> dict[str, Path]:
    """The painting and object photos at 12 MP: JPEGs, and the cut-out cup as an RGBA PNG."""
    from skimage import data

    from harmonize.cutout import cut_out
    from harmonize.tools.demo.example import COFFEE_BOX
    from harmonize.tools.demo.painting_generator import generate_painting

    painting = Image.fromarray(
        generate_painting(800)
    )  # painted at 800 px, scaled up.resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    photo = Image.fromarray(data.coffee()).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    scale = PHOTO_SIZE[0] / data.coffee().shape[1]
    box = tuple(round(v * scale) for v in COFFEE_BOX)
    cup = cut_out(np.asarray(photo), method="grabcut", box=box)  # type: ignore[arg-type]
    canvas = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
    canvas.paste(
        Image.fromarray(cup, "RGBA"), ((PHOTO_SIZE[0] - cup.shape[1]) // 2, (PHOTO_SIZE[1] - cup.shape[0]) // 2)
    )
    paths = {"painting": folder / "painting.jpg", "photo": folder / "photo.jpg", "cutout": folder / "cutout.png"}
    painting.save(paths["painting"], "JPEG", quality=92)
    photo.save(paths["photo"], "JPEG", quality=92)
    canvas.save(paths["cutout"], "PNG")
    return paths


async def time_previews(paths: dict[str, Path], repeats: int) -> dict[str, Any]:
    """Seconds to the first preview (decode + cut-out + compose + JPEG) per method, and to a
    re-render after a move; medians over `repeats` fresh sessions."""
    figures: dict[str, Any] = {}
    for method, photo in (("alpha", paths["cutout"]), ("grabcut", paths["photo"])):
        firsts, moves = [], []
        for repeat in range(repeats):
            renderer = PreviewRenderer(Cutter())
            state = LoopState(x=0.43, y=0.76, height=0.42, method=method)
            start = time.perf_counter()
            preview = await renderer.render(f"s{repeat}", paths["painting"], photo, state)
            firsts.append(time.perf_counter() - start)
            start = time.perf_counter()
            await renderer.render(f"s{repeat}", paths["painting"], photo, moved(state, 1, 0))
            moves.append(time.perf_counter() - start)
            renderer.close()
        figures[method] = {
            "preview_s": statistics.median(firsts),
            "rerender_s": statistics.median(moves),
            "preview_all_s": firsts,
            "rerender_all_s": moves,
            "preview_bytes": len(preview.image),
        }
    return figures


def time_engine(harmonizer: Any, paths: dict[str, Path], quality: str) -> tuple[float, float]:
    """(wall, CPU) seconds for one job at a bot quality, as a worker runs it: read the
    painting and the cut-out, harmonize on the CPU, write the PNGs (the network is loaded
    beforehand, as workers do)."""
    import harmonize
    from harmonize.cutout import cut_out
    from harmonize.imageio import load_rgb, load_rgba, save_png

    options = DEFAULT_QUALITIES[quality].options()
    start, cpu = time.perf_counter(), time.process_time()
    painting = load_rgb(paths["painting"])
    rgba = cut_out(load_rgba(paths["cutout"]), method="auto")
    result = harmonizer.run_object(painting, rgba, harmonize.Placement(0.43, 0.76, 0.42), options)
    with tempfile.TemporaryDirectory() as out:
        for name in ("pass1", "pass2", "final", "naive"):
            image = getattr(result, name)
            if image is not None:
                save_png(Path(out) / f"{name}.png", image)
    return time.perf_counter() - start, time.process_time() - cpu


def cpu_harmonizer() -> Any:
    """One Harmonizer on the CPU, its network loaded once, as each bot worker holds one
    (bot/core/running/harmonizer_engine.py)."""
    from harmonize.harmonizer import Harmonizer

    return Harmonizer(device="cpu")


def markdown(report: dict[str, Any]) -> str:
    """The figures as a markdown table."""
    rows = ["| measure | seconds | target |", "|---|---|---|"]
    for method, figures in report["previews"].items():
        rows.append(
            f"| preview after upload, {method} (12 MP) | {figures['preview_s']:.2f} | <= {TARGETS_S['preview']:g} |"
        )
        rows.append(
            f"| re-render after a move, {method} | {figures['rerender_s']:.3f} | <= {TARGETS_S['rerender']:g} |"
        )
    engine = report.get("engine", {})
    for name, figures in engine.get("qualities", {}).items():
        target = f"<= {TARGETS_S['draft']:g}" if name == "draft" else "-"
        rows.append(f"| {name} end to end ({figures['size']} px), wall | {figures['wall_s']:.1f} | {target} |")
        rows.append(f"| {name} end to end, CPU seconds (all threads) | {figures['cpu_s']:.1f} | - |")
    if "ratio" in engine:
        rows.append(f"| draft / standard (wall) | {engine['ratio']:.2f} | - |")
    return "\n".join(rows) + f"\n\n{report['machine']}\n"


def main() -> None:
    """Run the benchmark and save its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for bench_loop.json and bench_loop.md")
    parser.add_argument("--repeats", type=int, default=3, help="fresh sessions per preview method")
    parser.add_argument("--skip-engine", action="store_true", help="previews only (no harmonizing)")
    parser.add_argument(
        "--engine-qualities", default="draft,standard", help="bot qualities to run end to end, comma-separated"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU core(s), "
        f"torch threads {os.environ.get('OMP_NUM_THREADS', 'default')}, load average "
        f"{os.getloadavg()[0]:.1f} at the start",
    }
    with tempfile.TemporaryDirectory() as folder:
        paths = make_inputs(Path(folder))
        report["previews"] = asyncio.run(time_previews(paths, args.repeats))
        if not args.skip_engine:
            harmonizer = cpu_harmonizer()
            qualities: dict[str, Any] = {}
            for name in args.engine_qualities.split(","):
                wall, cpu = time_engine(harmonizer, paths, name)
                qualities[name] = {"wall_s": wall, "cpu_s": cpu, "size": DEFAULT_QUALITIES[name].options().size}
            report["engine"] = {"qualities": qualities}
            if {"draft", "standard"} <= set(qualities):
                report["engine"]["ratio"] = qualities["draft"]["wall_s"] / qualities["standard"]["wall_s"]
    table = markdown(report)
    print(table)
    (args.out / "bench_loop.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "bench_loop.md").write_text(table)


if __name__ == "__main__":
    main()
