"""The real engine of the bot's workers: cut the object out (unless the preview did), harmonize it,
write the PNGs.

One HarmonizerEngine lives in each worker process (bot.core.running.worker_process builds it at start),
so the network and the cut-out's back ends are loaded once and a painting's features are reused
across that worker's jobs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.job_queue.files import RESULT_NAMES
from bot.core.running.engine_request import EngineRequest, ProgressCallback
from harmonize.cutout import CutoutSettings, Cutter
from harmonize.cutout.core import CUTOUT_SIDE, shrink_for_cutout
from harmonize.types import Progress

if TYPE_CHECKING:
    from harmonize.harmonizer import Harmonizer


class HarmonizerEngine:
    """An Engine around one harmonize.Harmonizer on `device` ("auto" | "cpu" | "cuda") and one Cutter."""

    def __init__(self, device: str, cutout: CutoutSettings) -> None:
        from harmonize.harmonizer import (
            Harmonizer,  # torch loads here, in the worker only
        )

        self.harmonizer: Harmonizer = Harmonizer(device=device)
        self.cutter = Cutter(cutout)

    def __call__(self, request: EngineRequest, progress: ProgressCallback) -> None:
        """Write pass1, pass2, final, original and compare PNGs into `request.output_dir`."""
        from harmonize.compare import compare_panel
        from harmonize.imageio import read_object, read_painting, save_png

        painting = read_painting(request.painting_path, "The painting")  # the bot's uploads were
        photo = read_object(request.object_path, "The object photo")  # checked by the same reader
        if request.object_is_cutout:
            rgba = photo  # the preview's cut-out, made once by the same Cutter code
        else:
            progress(Progress("cutout", 0, 1))
            rgba, _ = self.cutter.cut_out(shrink_for_cutout(photo, None, CUTOUT_SIDE)[0])  # a CutoutError is
            progress(Progress("cutout", 1, 1))  # worded for chats by engine_errors
        result = self.harmonizer.run_object(painting, rgba, request.placement, request.options, progress)
        final = result.final if result.final is not None else result.pass2
        folder = Path(request.output_dir)
        images = {
            "pass1": result.pass1,
            "pass2": result.pass2,
            "final": final,
            "original": result.naive,  # the naive paste, as the chat calls it
            "compare": compare_panel(result),
        }
        for name in RESULT_NAMES:  # the names the job's files are found by (job_queue/files.py)
            save_png(folder / f"{name}.png", images[name])
