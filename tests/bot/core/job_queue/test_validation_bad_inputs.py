"""The bad-input corpus through the bot core's upload check (bot.core.job_queue.validation)."""

from __future__ import annotations

import pytest

from bot.core.errors import InvalidImage
from bot.core.job_queue.validation import validate_image
from bot.core.settings import BotSettings
from tests.support.bad_inputs import ACCEPTED, CASES, REFUSED
from tests.support.wording import assert_one_clear_line

DEFAULTS = BotSettings(_env_file=None)


def check(data: bytes) -> str:
    """validate_image with the bot's default limits."""
    return validate_image(data, "painting", DEFAULTS.max_image_bytes, DEFAULTS.max_image_pixels)


@pytest.mark.parametrize("name", REFUSED)
def test_each_refused_upload_gets_one_clear_line(name) -> None:
    with pytest.raises(InvalidImage) as caught:
        check(CASES[name].make())
    assert caught.value.message.startswith("The painting "), caught.value.message
    assert_one_clear_line(caught.value.message)


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_uploads_pass_with_the_default_limits(name) -> None:
    assert check(CASES[name].make()) in ("png", "jpeg", "webp")
