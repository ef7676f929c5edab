"""One job as it runs inside a worker process: the engine is loaded once, then called per job.

The engine is any function `engine(request: EngineRequest, progress: ProgressCallback) -> None`
named by the PAINTERLY_ENGINE setting ("module:function"); it writes pass1.png, pass2.png,
final.png, original.png and compare.png into `request.output_dir`. `run_engine` below is the
real one; tests plug in fast fakes. If the engine's module defines `warm_up(device: str)`, each
worker calls it once at start (to import torch and load the network before the first job).
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from bot.core.workers import watch_parent

if TYPE_CHECKING:  # importing harmonize pulls in torch; workers of fake engines skip it
    from harmonize.types import Progress, ProgressCallback

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong inside the engine; the bot's log says why."
OUT_OF_MEMORY = "The engine ran out of memory; try a faster quality preset or smaller images."


@dataclass(frozen=True)
class EngineRequest:
    """What a worker needs for one job; paths are strings, fractions in [0, 1]."""

    job_id: str
    painting_path: str
    object_path: str
    output_dir: str
    x: float
    y: float
    height: float
    tau: float | Literal["auto"] | None  # None: the engine's default
    size: int
    iters1: int
    iters2: int
    post: bool
    device: str
    coarse_scale: float = 1.0  # harmonize.types.HarmonizeOptions.coarse_scale
    coarse_iters2: int = 0  # harmonize.types.HarmonizeOptions.coarse_iters2


@dataclass(frozen=True)
class WorkerOutcome:
    """How a job ended in the worker: ok, or a user-facing `message` and a traceback `detail`."""

    ok: bool
    message: str = ""
    detail: str | None = None


class EngineUserError(Exception):
    """Raise from an engine to fail the job with this message shown to the user."""


EngineFunction = Callable[[EngineRequest, "ProgressCallback"], None]
_engine: EngineFunction | None = None  # this worker process's engine, set by init_worker
_harmonizer: Any = None  # this worker process's harmonize.Harmonizer, set by warm_up


def load_engine(path: str) -> EngineFunction:
    """Import "package.module:function" and return the function."""
    module_name, _, name = path.partition(":")
    module = importlib.import_module(module_name)
    engine = getattr(module, name, None)
    if not callable(engine):
        raise ValueError(f"{path}: {module_name} has no function {name!r}")
    return engine


def init_worker(engine_path: str, device: str, remove_bg_api_key: str | None) -> None:
    """Worker-process initializer: exit with the parent, load the engine once, warm it up."""
    global _engine
    watch_parent()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d %(message)s")
    if remove_bg_api_key:
        os.environ["REMOVE_BG_API_KEY"] = remove_bg_api_key  # read by harmonize.cutout
    _engine = load_engine(engine_path)
    warm_up = getattr(importlib.import_module(engine_path.partition(":")[0]), "warm_up", None)
    if callable(warm_up):
        warm_up(device)


class ProgressSender:
    """A ProgressCallback that forwards (job id, stage, fraction) at most once per interval."""

    def __init__(self, job_id: str, channel: Any, interval_s: float) -> None:
        self.job_id = job_id
        self.channel = channel
        self.interval_s = interval_s
        self._last = -math.inf

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval_s:
            return
        self._last = now
        try:
            self.channel.put((self.job_id, progress.stage, progress.fraction))
        except (EOFError, OSError) as error:
            log.warning("progress for job %s lost: %s", self.job_id, error)


def run_job(request: EngineRequest, channel: Any, interval_s: float) -> WorkerOutcome:
    """Run this worker's engine on one job; never raises (errors become a WorkerOutcome)."""
    if _engine is None:
        return WorkerOutcome(False, GENERIC_FAILURE, "init_worker was not run in this process")
    try:
        _engine(request, ProgressSender(request.job_id, channel, interval_s))
    except (EngineUserError, ValueError) as error:
        return WorkerOutcome(False, str(error))
    except MemoryError:
        return WorkerOutcome(False, OUT_OF_MEMORY, traceback.format_exc())
    except Exception as error:
        if "OutOfMemory" in type(error).__name__:  # torch.cuda.OutOfMemoryError
            return WorkerOutcome(False, OUT_OF_MEMORY, traceback.format_exc())
        return WorkerOutcome(False, GENERIC_FAILURE, traceback.format_exc())
    return WorkerOutcome(True)


def warm_up(device: str) -> None:
    """Load the feature network once per worker process, before its first job."""
    global _harmonizer
    from harmonize.harmonizer import Harmonizer

    _harmonizer = Harmonizer(device=device)


def run_engine(request: EngineRequest, progress: ProgressCallback) -> None:
    """The real engine: cut the object out, harmonize it into the painting, write the PNGs."""
    import harmonize
    from harmonize.types import Progress
    from harmonize.compare import compare_panel
    from harmonize.cutout import cut_out
    from harmonize.imageio import save_png

    painting = _read_painting(Path(request.painting_path))
    photo = _read_object(Path(request.object_path))
    progress(Progress("cutout", 0, 1))
    rgba = cut_out(photo, method="auto")  # CutoutError is a ValueError: its message is for users
    progress(Progress("cutout", 1, 1))
    knobs: dict[str, Any] = dict(size=request.size, iters1=request.iters1, iters2=request.iters2,
                                 post=request.post, coarse_scale=request.coarse_scale,
                                 coarse_iters2=request.coarse_iters2)
    if request.tau is not None:
        knobs["tau"] = request.tau
    if _harmonizer is None:
        warm_up(request.device)
    result = _harmonizer.run_object(
        painting, rgba, harmonize.Placement(request.x, request.y, request.height),
        harmonize.HarmonizeOptions(**knobs), progress=progress,
    )
    final = result.final if result.final is not None else result.pass2
    folder = Path(request.output_dir)
    images = {"pass1": result.pass1, "pass2": result.pass2, "final": final,
              "original": result.naive, "compare": compare_panel(result)}
    for name, image in images.items():
        save_png(folder / f"{name}.png", image)


def _read_painting(path: Path) -> Any:
    """The painting as (H, W, 3) float32 in [0, 1], EXIF rotation applied."""
    import numpy as np
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        rgb = ImageOps.exif_transpose(image).convert("RGB")
        return np.asarray(rgb, dtype=np.float32) / 255.0


def _read_object(path: Path) -> Any:
    """The object photo as (h, w, 3) or, when it has transparency, (h, w, 4) uint8."""
    import numpy as np
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        return np.asarray(upright.convert("RGBA" if has_alpha else "RGB"), dtype=np.uint8)
