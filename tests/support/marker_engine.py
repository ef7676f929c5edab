"""A fast engine for the scale-out tests that leaves one marker file per side effect.

In PAINTERLY_TEST_MARKERS it writes `<job id>.<worker pid>.<engine pid>.started` when a run
begins and appends `<worker pid>.<engine pid>` to `<job id>.done` when it completes, so a test
can tell which worker ran a job and count completions. A run takes (iters1 + iters2) * STEP_S
seconds; tau == POISON_TAU makes it fail with a user message.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from bot.core.job_queue.files import RESULT_NAMES
from bot.core.running.engine_request import EngineRequest, EngineUserError

STEP_S = 0.01
POISON_TAU = 99.0
REFUSAL = "No object found in the photo."


@dataclass(frozen=True)
class Step:
    """The part of harmonize.Progress the core uses."""

    stage: str
    fraction: float


def run(request: EngineRequest, progress) -> None:
    """Step through the quality, marking start and completion."""
    if request.options.tau == POISON_TAU:
        raise EngineUserError(REFUSAL)
    marks = Path(os.environ["PAINTERLY_TEST_MARKERS"])
    tag = f"{os.getppid()}.{os.getpid()}"
    (marks / f"{request.job_id}.{tag}.started").touch()
    for stage, total in (("pass1", request.options.iters1), ("pass2", request.options.iters2)):
        for step in range(total):
            time.sleep(STEP_S)
            progress(Step(stage, (step + 1) / total))
    for name in RESULT_NAMES:
        Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(Path(request.output_dir) / f"{name}.png")
    with open(marks / f"{request.job_id}.done", "a") as handle:
        handle.write(tag + "\n")
