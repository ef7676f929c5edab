"""Fixtures of the Telegram tests: a harness that runs bots against a local fake Bot API."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import UNLIMITED_GROUP_RATE, Harness


@pytest.fixture
async def harness(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Harness]:
    """A fake Telegram on 127.0.0.1; `await harness.start(**settings)` runs a bot against it.

    Fails the test if the bot logged an error, unless the test set `harness.errors_expected`.
    """
    limiter = functools.partial(AIORateLimiter, group_max_rate=UNLIMITED_GROUP_RATE)
    monkeypatch.setattr("bot.telegram.front_end.AIORateLimiter", limiter)
    fake = FakeTelegram()
    api_root = await fake.start()
    harness = Harness(tmp_path, fake, api_root)
    yield harness
    for bot in harness.bots:
        await bot.stop()
    await fake.close()
    records = caplog.get_records("call") + caplog.get_records("teardown")
    errors = [
        r.getMessage()
        for r in records
        if r.levelno >= logging.ERROR and r.name.startswith(("bot.telegram", "telegram"))
    ]
    assert harness.errors_expected or not errors, errors
