"""`painterly-bot` with a Discord token: bot.main builds this front end, which serves and stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

import bot.main
from bot.core import ChatLoop
from bot.discord import create_front_end
from tests.support.discord_world import point_discord_py_at, settings_for
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.services import make_service


async def test_painterly_bot_connects_to_discord_and_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        fake.add_guild()
        point_discord_py_at(fake, monkeypatch)
        stop = asyncio.Event()
        serving = asyncio.create_task(bot.main.serve(settings_for(tmp_path), stop))
        await asyncio.wait_for(fake.ready.wait(), HANG_GUARD_S)
        stop.set()
        await asyncio.wait_for(serving, HANG_GUARD_S)
    finally:
        await fake.close()
    assert fake.identify is not None and fake.identify["token"] == "stand-in-bot-token"


async def test_a_wrong_token_stops_the_front_end_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        point_discord_py_at(fake, monkeypatch)
        settings = settings_for(tmp_path, discord_token=SecretStr("not-the-token"))
        service = make_service(settings)
        front_end = create_front_end(service, settings, ChatLoop(service))
        with pytest.raises(RuntimeError, match="Discord refused PAINTERLY_DISCORD_TOKEN"):
            await asyncio.wait_for(front_end.run(), HANG_GUARD_S)
    finally:
        await fake.close()


def test_no_token_is_refused_at_creation(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, discord_token=None)
    service = make_service(settings)
    with pytest.raises(ValueError, match="PAINTERLY_DISCORD_TOKEN is not set"):
        create_front_end(service, settings, ChatLoop(service))
