"""Bots (the core with the fast fake engine and the Telegram front end) run against a fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import SecretStr

from bot.core import BotSettings, ChatLoop, HarmonizeService
from bot.telegram import TelegramFrontEnd
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.services import EventLog, benign, make_service, make_settings  # core tests: temp files, fake engine

STATUS_INTERVAL_S = 0.2  # fast status edits for tests (the bot's default is 3 s)
# An album's parts reach the bot in one getUpdates answer (the stand-in queues them together), but
# the bot takes them one by one: the bot's own 1 s leaves room for a loaded machine between them.
ALBUM_WAIT_S = 1.0
# Telegram allows a bot 20 messages a minute in one group, and the front end's AIORateLimiter
# keeps to that: the stand-in has no such limit (a test scripts its 429s), so the tests' limiter
# lets groups go as fast as the limiter's whole-bot rate (30 a second) and keeps its retries.
UNLIMITED_GROUP_RATE = 1000


def picture(fmt: str = "PNG", size: tuple[int, int] = (48, 32), color=(200, 120, 40)) -> bytes:
    """A tiny image file."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@dataclass
class Bot:
    """One running bot: the fake Telegram, the core, its chat loop and the front end serving them."""

    fake: FakeTelegram
    service: HarmonizeService
    chat_loop: ChatLoop
    front_end: TelegramFrontEnd
    task: asyncio.Task[None]
    events: EventLog

    async def stop(self) -> None:
        """Stop the front end, then the chat loop, then the core (as bot.main does)."""
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.chat_loop.stop()
        await self.service.stop()


@dataclass
class Harness:
    """Starts bots against one fake Telegram; everything is stopped at teardown."""

    tmp_path: Path
    fake: FakeTelegram
    api_root: str
    bots: list[Bot] = field(default_factory=list)
    errors_expected: bool = False

    def settings(self, **overrides: Any) -> BotSettings:
        """Core test settings plus the fake's token."""
        # One-shot jobs unless a test asks for the preview loop (tests/bot/telegram/test_loop.py).
        overrides = {"preview_first": False, **overrides}
        return make_settings(self.tmp_path, telegram_token=SecretStr(TOKEN), **overrides)

    async def start(self, scorer: Callable[[bytes], float] = benign, **overrides: Any) -> Bot:
        """A core (fake engine; `scorer`: its picture check) and a front end polling the fake Telegram."""
        settings = self.settings(**overrides)
        service = make_service(settings, scorer=scorer)
        chat_loop = ChatLoop(service)  # as bot.main does: built with the service, started after it
        front_end = TelegramFrontEnd(
            service,
            settings,
            chat_loop,
            api_root=self.api_root,
            status_interval_s=STATUS_INTERVAL_S,
            album_wait_s=ALBUM_WAIT_S,
        )
        events = EventLog()
        service.add_listener(events)
        await service.start()
        await chat_loop.start()
        bot = Bot(self.fake, service, chat_loop, front_end, asyncio.create_task(front_end.run()), events)
        self.bots.append(bot)
        await self.fake.wait_for(lambda: self.fake.calls_to("setMyCommands"))
        return bot
