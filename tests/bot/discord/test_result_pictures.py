"""Fitting result pictures into Discord's per-file and per-message upload limits."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from bot.discord.result_pictures import (
    MESSAGE_LIMIT,
    MIB,
    DoesNotFit,
    Upload,
    fit_uploads,
    per_file_budget,
)


def noise_png(side: int) -> Upload:
    pixels = np.random.default_rng(side).integers(0, 256, (side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return Upload("job-pass1.png", buffer.getvalue())


def test_pictures_within_the_budget_stay_as_they_are() -> None:
    small = noise_png(16)
    assert fit_uploads([small], len(small.data)) == [small]


def test_a_picture_over_the_budget_becomes_a_jpeg_that_fits() -> None:
    big = noise_png(128)
    [fitted] = fit_uploads([big], 30_000)
    assert fitted.filename == "job-pass1.jpg" and len(fitted.data) <= 30_000 < len(big.data)
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert image.format == "JPEG" and image.size == (128, 128)


def test_a_tight_budget_shrinks_the_picture() -> None:
    [fitted] = fit_uploads([noise_png(128)], 4_000)
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert len(fitted.data) <= 4_000 and image.width < 128


def test_an_impossible_budget_is_an_error() -> None:
    with pytest.raises(DoesNotFit):
        fit_uploads([noise_png(128)], 100)


def test_the_budget_keeps_each_file_and_the_whole_message_within_limits() -> None:
    assert per_file_budget(8 * MIB, 2) == 8 * MIB
    five = per_file_budget(10 * MIB, 5)
    assert five < 10 * MIB and 5 * five < MESSAGE_LIMIT
    for count in (0, 11):
        with pytest.raises(ValueError):
            per_file_budget(10 * MIB, count)
