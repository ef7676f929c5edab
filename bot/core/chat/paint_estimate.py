"""How long Paint it will take: the engine's estimate for the quality's settings and the object's window."""

from __future__ import annotations

import os

import numpy as np

from bot.core.chat.loop_state import LoopState
from bot.core.settings import BotSettings


def worker_threads(settings: BotSettings, cpus: int | None = None) -> int:
    """Torch threads one worker gets: this machine's CPUs shared by the local workers."""
    return max(1, (cpus or os.cpu_count() or 1) // settings.workers)


def paint_seconds(settings: BotSettings, state: LoopState, mask: np.ndarray, cpus: int | None = None) -> float:
    """Seconds a job of `state` should take once a worker starts it; mask (H, W) in [0, 1], any size."""
    # Imported here: harmonize.time_estimate brings torch (a second or more to import), which
    # every process importing bot.core would pay, worker processes of a fake engine included.
    from harmonize.time_estimate import estimated_seconds, run_pixels

    options = settings.qualities[state.quality].options()
    return estimated_seconds(options, worker_threads(settings, cpus), run_pixels(mask, options))
