"""/limits show and /limits set: how many jobs people may run, per user, server and bot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import discord
from discord import app_commands
from discord.app_commands import Choice, Range
from discord.ext import commands

from bot.core import MAX_LIMIT, LimitName, Limits
from bot.discord.checks import manager_or_owner
from bot.discord.job_context import PLATFORM, requester_of
from bot.discord.replies import reply_privately

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

LIMIT_LABELS = {  # bot/core/job_queue/limits.py Limits field -> what admins read
    "user_jobs_per_hour": "jobs per user per hour",
    "user_jobs_per_day": "jobs per user per day",
    "user_concurrent_jobs": "jobs per user at once",
    "chat_jobs_per_hour": "jobs per server per hour",
    "chat_jobs_per_day": "jobs per server per day",
    "chat_concurrent_jobs": "jobs per server at once",
    "queue_cap": "jobs waiting or running in the whole bot",
}
SCOPES = [
    Choice(name="this server (or this direct message)", value="chat"),
    Choice(name="the whole bot (bot owners only)", value="global"),
]


def limits_text(title: str, here: Limits, everywhere: Limits) -> str:
    """Each limit in force, with the bot-wide value where this chat has its own."""
    lines = [title]
    for name, label in LIMIT_LABELS.items():
        value, default = getattr(here, name), getattr(everywhere, name)
        note = f" (whole bot: {default})" if value != default else ""
        lines.append(f"• {label}: {value}{note}")
    return "\n".join(lines)


class LimitsCog(commands.Cog):
    """The /limits group."""

    limits = app_commands.Group(name="limits", description="How many jobs people may run.")

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @limits.command(name="show", description="The job limits in force here.")
    async def show(self, interaction: discord.Interaction) -> None:
        """Reply with this chat's limits."""
        chat = requester_of(interaction).chat_id
        here = await self.bot.service.get_limits(PLATFORM, chat)
        everywhere = await self.bot.service.get_limits()
        await reply_privately(interaction, limits_text("Job limits here:", here, everywhere))

    @limits.command(name="set", description="Change a job limit (Manage Server or bot owners).")
    @app_commands.describe(
        limit="Which limit to change.",
        value="The new number (0 stops all jobs); leave it out to go back to the default.",
        scope="This server only (the default), or the whole bot (bot owners only).",
    )
    @app_commands.choices(
        limit=[Choice(name=label, value=name) for name, label in LIMIT_LABELS.items()],
        scope=SCOPES,
    )
    @manager_or_owner()
    async def set_limit(
        self,
        interaction: discord.Interaction,
        limit: Choice[str],
        value: Range[int, 0, MAX_LIMIT] | None = None,
        scope: Choice[str] | None = None,
    ) -> None:
        """Change one limit through the core, which enforces who may set what."""
        requester = requester_of(interaction)
        where: Literal["global", "chat"] = "global" if scope is not None and scope.value == "global" else "chat"
        service = self.bot.service
        await service.set_limit(requester, cast(LimitName, limit.value), value, where)
        here = await service.get_limits(PLATFORM, requester.chat_id)
        everywhere = await service.get_limits()
        done = "reset to its default" if value is None else f"set to {value}"
        where_text = "for the whole bot" if where == "global" else "here"
        await reply_privately(
            interaction,
            limits_text(
                f"{LIMIT_LABELS[limit.value].capitalize()} {done} {where_text}. Limits here now:", here, everywhere
            ),
        )
