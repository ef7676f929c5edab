"""Fast stand-ins for the real engine, run inside the bot's worker processes.

`sleepy`: steps through iters1 + iters2 steps of STEP_S seconds (so a quality sets the job's
length), reporting progress, and writes its pid to <output>/pid.txt first so tests can kill it.
`busy`: the same but burning CPU instead of sleeping, and between its passes burning CPU until
the file named by CORE_TEST_GATE exists (when that is set; at most GATE_LIMIT_S, so that an
engine wrongly run on the bot's event loop ends the test instead of hanging it).
`refuse`: fails with a user message.
`StallsOnce`: `sleepy` as an engine class whose construction hangs, as a stuck model load, once
the file named by CORE_TEST_STALL exists (the first start to see it deletes it and hangs).
`lazy`: returns without writing anything. `counted`: `sleepy` (that waits, once started, for
the file named by CORE_TEST_GATE to exist, when that is set), then appends "<job id> <pid>"
to the file named by CORE_TEST_RUNS, one line per completed run.

They report progress with `Step`, which has what the core reads from `harmonize.Progress`
(`stage`, `fraction`), so that worker processes need not import torch (seconds per worker).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from bot.core.job_queue.files import RESULT_NAMES
from bot.core.running.engine_request import EngineRequest, EngineUserError

STEP_S = 0.01
GATE_LIMIT_S = 60.0  # `busy` stops waiting for its gate after this long


@dataclass(frozen=True)
class Step:
    """The part of harmonize.Progress the core uses."""

    stage: str
    fraction: float


ProgressCallback = Callable[[Step], None]


def _start(request: EngineRequest) -> Path:
    folder = Path(request.output_dir)
    (folder / "pid.txt").write_text(str(os.getpid()))
    return folder


def _finish(folder: Path, post: bool) -> None:
    """Five tiny PNGs; the final differs from pass 2 only when the quality post-processes."""
    pixels = np.zeros((4, 4, 3), dtype=np.uint8)
    for name in RESULT_NAMES:
        Image.fromarray(pixels + (1 if post and name == "final" else 0)).save(folder / f"{name}.png")


def _burn_until_gate() -> None:
    """Spin on the CPU until $CORE_TEST_GATE exists (if set), for GATE_LIMIT_S at most."""
    gate = os.environ.get("CORE_TEST_GATE")
    end = time.monotonic() + GATE_LIMIT_S
    while gate and not Path(gate).exists() and time.monotonic() < end:
        pass


def _steps(request: EngineRequest, progress: ProgressCallback, busy: bool) -> None:
    for stage, total in (("pass1", request.options.iters1), ("pass2", request.options.iters2)):
        if busy and stage == "pass2":
            _burn_until_gate()
        for step in range(total):
            if busy:
                end = time.perf_counter() + STEP_S
                while time.perf_counter() < end:
                    pass
            else:
                time.sleep(STEP_S)
            progress(Step(stage, (step + 1) / total))


def sleepy(request: EngineRequest, progress: ProgressCallback) -> None:
    """Sleep through the quality's steps, then write five tiny PNGs."""
    folder = _start(request)
    _steps(request, progress, busy=False)
    _finish(folder, request.options.post)


def busy(request: EngineRequest, progress: ProgressCallback) -> None:
    """Burn CPU through the quality's steps (and on the gate between passes), then write five tiny PNGs."""
    folder = _start(request)
    _steps(request, progress, busy=True)
    _finish(folder, request.options.post)


def counted(request: EngineRequest, progress: ProgressCallback) -> None:
    """`sleepy`, then one line per completed run in $CORE_TEST_RUNS (appends are atomic)."""
    folder = _start(request)
    gate = os.environ.get("CORE_TEST_GATE")
    while gate and not Path(gate).exists():
        time.sleep(STEP_S)
    _steps(request, progress, busy=False)
    _finish(folder, request.options.post)
    with open(os.environ["CORE_TEST_RUNS"], "a") as handle:
        handle.write(f"{request.job_id} {os.getpid()}\n")


def refuse(request: EngineRequest, progress: ProgressCallback) -> None:
    """Fail as an engine does when the input is unusable."""
    raise EngineUserError("No object found in the photo.")


def lazy(request: EngineRequest, progress: ProgressCallback) -> None:
    """Claim success without writing any picture."""


class StallsOnce:
    """`sleepy` as an engine class; one start after $CORE_TEST_STALL appears hangs (its pid in <stall>.pid)."""

    def __init__(self, device: str, cutout: object) -> None:
        stall = Path(os.environ.get("CORE_TEST_STALL", "/nonexistent"))
        try:
            stall.unlink()
        except FileNotFoundError:
            return
        stall.with_suffix(".pid").write_text(str(os.getpid()))
        while True:  # until the pool kills it
            time.sleep(STEP_S)

    def __call__(self, request: EngineRequest, progress: ProgressCallback) -> None:
        sleepy(request, progress)
