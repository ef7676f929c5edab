"""Every engine error a job can meet reaches the chat in a user's words (bot.core.running.engine_errors)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.running.engine_errors import chat_failure
from harmonize.cutout import cut_out
from harmonize.harmonizer import as_float_image
from harmonize.imageio import ImageError, read_object
from harmonize.masks import validate_mask
from harmonize.options import HarmonizeOptions
from harmonize.placement import compose
from harmonize.types import Placement
from tests.support.bad_inputs import CASES, REFUSED
from tests.support.wording import assert_one_clear_line


def raised(action) -> Exception:
    """The exception `action()` raises (it must raise a ValueError or one of its kinds)."""
    with pytest.raises(ValueError) as caught:
        action()
    return caught.value


def opaque(size: int = 64) -> np.ndarray:
    """An (size, size, 4) uint8 photo with no transparency at all."""
    return np.full((size, size, 4), 200, np.uint8)


def speck() -> np.ndarray:
    """A 64x64 RGBA cut-out whose visible part is one pixel."""
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[32, 32] = (200, 60, 30, 255)
    return rgba


PAINTING = np.full((64, 64, 3), 0.5, np.float32)
ENGINE_ERRORS = {
    "cut-out of a 1x1 photo": (
        lambda: cut_out(np.zeros((1, 1, 3), np.uint8)),
        "cutout",
    ),
    "cut-out without transparency": (
        lambda: cut_out(opaque(), method="alpha"),
        "cutout",
    ),
    "cut-out of a flat photo": (
        lambda: cut_out(np.full((64, 64, 3), 128, np.uint8), method="grabcut"),
        "cutout",
    ),
    "object a speck in the painting": (
        lambda: compose(PAINTING, speck(), Placement(height=0.01)),
        "placement.too_small",
    ),
    "object fully transparent": (
        lambda: compose(PAINTING, np.zeros((64, 64, 4), np.uint8)),
        "placement.transparent",
    ),
    "settings out of range": (lambda: HarmonizeOptions(size=1), "options"),
    "painting of the wrong shape": (
        lambda: as_float_image(np.zeros((1, 1)), "painting"),
        "input",
    ),
    "empty mask": (lambda: validate_mask(np.zeros((64, 64), np.float32)), "input"),
    "words that only read like a placement's": (lambda: float_of("it would be transparent"), "input"),
}


def float_of(text: str) -> float:
    """float(text): a ValueError whose message merely contains a placement error's words."""
    return float(text)


@pytest.mark.parametrize("name", sorted(ENGINE_ERRORS))
def test_engine_errors_become_chat_words(name) -> None:
    action, reason = ENGINE_ERRORS[name]
    failure = chat_failure(raised(action))
    assert failure.reason == reason
    assert_one_clear_line(failure.text)


@pytest.mark.parametrize("name", REFUSED)
def test_refused_pictures_keep_the_readers_words(name) -> None:
    error = raised(lambda: read_object(CASES[name].make(), "The object photo"))
    assert isinstance(error, ImageError)
    failure = chat_failure(error)
    assert failure.text == error.message and failure.reason == f"image.{error.reason}"
    assert_one_clear_line(failure.text)
