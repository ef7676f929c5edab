"""The front end `painterly-bot` starts when PAINTERLY_DISCORD_TOKEN is set (bot/main.py)."""

from __future__ import annotations

import discord

from bot.core import BotSettings, ChatLoop, HarmonizeService
from bot.discord.client import PainterlyBot
from bot.discord.job_context import PLATFORM


class DiscordFrontEnd:
    """Listens to the core's Discord jobs from creation; `run()` connects and serves.

    `chat_loop`: the process's one chat loop, shared with the other front ends; its owner
    (bot/main.py) starts it before `run()` and stops it after."""

    def __init__(self, service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> None:
        if settings.discord_token is None:
            raise ValueError("PAINTERLY_DISCORD_TOKEN is not set; see docs/discord.md.")
        self._token = settings.discord_token
        self.bot = PainterlyBot(service, settings, chat_loop)
        service.add_listener(self.bot.updates.on_event, platform=PLATFORM)

    async def run(self) -> None:
        """Log in, connect to the gateway and serve until cancelled."""
        try:
            async with self.bot:
                await self.bot.start(self._token.get_secret_value())
        except discord.LoginFailure as error:
            raise RuntimeError(
                "Discord refused PAINTERLY_DISCORD_TOKEN; copy the bot's token "
                "again from the Developer Portal (docs/discord.md)."
            ) from error


def create_front_end(service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> DiscordFrontEnd:
    """The Discord front end for `painterly-bot` (bot/main.py's contract)."""
    return DiscordFrontEnd(service, settings, chat_loop)
