"""The Discord front end against the local stand-in: a running core, bot and fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from PIL import Image
from pydantic import SecretStr

from bot.core import BotSettings, ChatLoop, HarmonizeService, Quality
from bot.discord import DiscordFrontEnd, cdn, create_front_end
from tests.support import noise_engine
from tests.support.fake_discord import TOKEN, FakeDiscord, Guild, Interaction, Message
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.services import make_service, make_settings

OWNER_ID = 900000000000000001
QUALITIES = {  # the fake engine sleeps 10 ms a step (tests/support/fake_engine.py)
    "instant": Quality(size=32, iters1=1, iters2=1, post=False),
    "slow": Quality(size=32, iters1=3000, iters2=3000, post=False),
}


def settings_for(tmp_path: Path, **overrides: Any) -> BotSettings:
    """The core tests' settings plus a Discord token, one owner and the noise engine."""
    values: dict[str, Any] = dict(
        discord_token=SecretStr(TOKEN),
        owners=[f"discord:{OWNER_ID}"],
        engine=f"{noise_engine.__name__}:paint_noise",
        qualities=QUALITIES,
        progress_interval_s=0.2,
        preview_first=False,  # one-shot jobs unless a test asks for the loop (test_loop.py)
    )
    return make_settings(tmp_path, **{**values, **overrides})


def png(colours: int = 2, size: tuple[int, int] = (48, 36)) -> bytes:
    """A tiny PNG with one colour, or with a second colour in its left half."""
    image = Image.new("RGB", size, (200, 120, 40))
    if colours > 1:
        image.paste((20, 60, 200), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def point_discord_py_at(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make discord.py's real REST client and gateway talk to the stand-in."""
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_url)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    monkeypatch.setattr(cdn, "CDN_ORIGINS", (fake.base_url,))  # the stand-in's CDN only


@dataclass
class World:
    """A running stand-in Discord, core and Discord front end."""

    fake: FakeDiscord
    service: HarmonizeService
    front_end: DiscordFrontEnd
    guilds: list[Guild]  # each test uses its own, so that limits do not mix

    async def harmonize(
        self,
        guild: Guild,
        user_id: int,
        painting: bytes,
        object_image: bytes,
        content_type: str = "image/png",
        **options: Any,
    ) -> Interaction:
        """Send `/harmonize` with two hosted attachments and options given as name=value."""
        stamp = self.fake.next_id()
        files = [
            self.fake.host(f"painting-{stamp}.png", painting, content_type),
            self.fake.host(f"object-{stamp}.png", object_image, content_type),
        ]
        kinds = {float: 10, int: 4, str: 3}
        opts = [
            {"name": "painting", "type": 11, "value": files[0]["id"]},
            {"name": "object", "type": 11, "value": files[1]["id"]},
            *({"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()),
        ]
        return await self.fake.command(guild, user_id, "harmonize", opts, files)

    async def answer(self, interaction: Interaction, count: int = 1) -> Message:
        """The interaction's `count`-th visible reply, once it exists."""
        replies = await self.fake.wait_for(lambda: len(interaction.replies()) >= count and interaction.replies())
        return replies[count - 1]

    async def results(self, guild: Guild, count: int = 1) -> list[Message]:
        """The first `count` messages with pictures in the guild's channel, once posted."""

        def posted() -> list[Message] | None:
            found = [m for m in self.fake.channel_messages(guild.channel_id) if m.files]
            return found if len(found) >= count else None

        return await self.fake.wait_for(posted)


@contextlib.asynccontextmanager
async def running_world(tmp_path: Path, guilds: int = 1, **overrides: Any) -> AsyncIterator[World]:
    """Start the stand-in, the core, its chat loop and the front end; stop them all at the end."""
    fake = FakeDiscord()
    await fake.start()
    servers = [fake.add_guild() for _ in range(guilds)]
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_discord_py_at(fake, monkeypatch)
        settings = settings_for(tmp_path, **overrides)
        service = make_service(settings)
        chat_loop = ChatLoop(service)  # as bot.main does: built with the service, started after it
        front_end = create_front_end(service, settings, chat_loop)
        await service.start()
        await chat_loop.start()
        serving = asyncio.create_task(front_end.run())
        try:
            ready = asyncio.create_task(fake.ready.wait())
            await asyncio.wait([ready, serving], timeout=HANG_GUARD_S, return_when=asyncio.FIRST_COMPLETED)
            if serving.done():
                serving.result()  # raises what stopped the front end
            assert ready.done(), f"the bot did not connect to the stand-in within {HANG_GUARD_S} s"
            yield World(fake, service, front_end, servers)
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
            await chat_loop.stop()
            await service.stop()
            await fake.close()
