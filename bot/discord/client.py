"""The Discord client: minimal intents, one cog per concern, every error answered privately."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.core import BotSettings, ChatLoop, HarmonizeService
from bot.discord.chat_loop import DiscordLoop
from bot.discord.cogs.defaults import DefaultsCog
from bot.discord.cogs.harmonize import HarmonizeCog
from bot.discord.cogs.help import HelpCog
from bot.discord.cogs.jobs import JobsCog
from bot.discord.cogs.limits import LimitsCog
from bot.discord.cogs.moderation import ModerationCog
from bot.discord.cogs.reports import ReportsCog
from bot.discord.cogs.self_service import SelfServiceCog
from bot.discord.job_updates import JobUpdates
from bot.discord.loop_views import CancelJobButton, LoopButton
from bot.discord.picture_policy import DiscordPictureCheck
from bot.discord.replies import ReplyingTree
from bot.discord.reports import DecisionButton, DiscordReports, ReportButton
from bot.discord.result_extras import DeleteButton, InfoButton


def minimal_intents() -> discord.Intents:
    """Guild events only: slash commands need no message content and no member list."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class PainterlyBot(commands.Bot):
    """The bot: the core's service and settings, the chat loop, the job updates, and the cogs.

    `chat_loop` is the process's one chat loop (bot/main.py builds, starts and stops it)."""

    def __init__(self, service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # no text commands; slash commands only
            intents=minimal_intents(),
            help_command=None,
            tree_cls=ReplyingTree,
            allowed_mentions=discord.AllowedMentions.none(),  # pings only where asked for
        )
        self.service = service
        self.settings = settings
        self.picture_check = DiscordPictureCheck(self, chat_loop)
        self.discord_loop = DiscordLoop(self, chat_loop)
        self.reports = DiscordReports(self, chat_loop)
        self.updates = JobUpdates(
            self, settings.progress_interval_s, self.discord_loop.result_buttons, self.picture_check.result
        )

    async def setup_hook(self) -> None:
        """Register the cogs (their commands join the tree; syncing is separate, on demand) and
        the buttons, which match any message's custom ids, old ones included."""
        cogs = (HarmonizeCog, JobsCog, LimitsCog, DefaultsCog, ModerationCog, ReportsCog, SelfServiceCog, HelpCog)
        for cog in (make(self) for make in cogs):
            await self.add_cog(cog)
        self.add_dynamic_items(LoopButton, CancelJobButton, InfoButton, DeleteButton, ReportButton, DecisionButton)
        self.updates.logged_in.set()

    async def close(self) -> None:
        """Drop waiting status edits, then disconnect."""
        await self.updates.close()
        await super().close()
