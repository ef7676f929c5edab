"""How long Paint it takes, as the preview and the queued message say: the formula's inputs, not wall time."""

from __future__ import annotations

import numpy as np

from bot.core.chat.loop_state import LoopState
from bot.core.chat.paint_estimate import paint_seconds, worker_threads
from bot.core.settings import BotSettings
from bot.discord.texts import painting_text, preview_text
from bot.telegram.chat_loop import preview_caption
from harmonize.time_estimate import estimated_seconds, run_pixels


def settings(workers: int = 1) -> BotSettings:
    return BotSettings(_env_file=None, workers=workers)


def mask(box: tuple[int, int, int, int]) -> np.ndarray:
    """An object mask at the preview's size (576 x 768)."""
    out = np.zeros((576, 768), np.float32)
    top, left, bottom, right = box
    out[top:bottom, left:right] = 1
    return out


def test_the_estimate_is_the_engines_for_the_quality_and_the_objects_window() -> None:
    state, small = LoopState(quality="standard"), mask((300, 350, 400, 420))
    options = settings().qualities["standard"].options()
    expected = estimated_seconds(options, worker_threads(settings(), 2), run_pixels(small, options))
    assert paint_seconds(settings(), state, small, cpus=2) == expected


def test_a_draft_takes_less_than_a_standard_and_more_workers_share_the_cpus() -> None:
    large = mask((40, 60, 560, 700))
    draft = paint_seconds(settings(), LoopState(quality="draft"), large, cpus=2)
    assert draft < paint_seconds(settings(), LoopState(quality="standard"), large, cpus=2)
    assert worker_threads(settings(workers=2), cpus=4) == 2 and worker_threads(settings(workers=3), cpus=2) == 1
    assert paint_seconds(settings(workers=2), LoopState(quality="draft"), large, cpus=2) > draft


def test_the_texts_say_it() -> None:
    state = LoopState()
    assert preview_text(1, state, 47.4).endswith("then press **Paint it** (about 47 s).")
    assert painting_text(1, "ab12", state, 75).endswith(": about 1 min 15 s once it starts.")
    assert preview_caption(state, 47.4).endswith("then press Paint it (about 47 s).")
