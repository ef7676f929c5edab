"""Command checks, used as decorators (discord.py's `app_commands.check`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

import discord
from discord import app_commands

from bot.discord.job_context import requester_of

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

T = TypeVar("T")


def manager_or_owner() -> Callable[[T], T]:
    """Allow bot owners (from settings, asked through the service) and members with Manage Server.

    Others get MissingPermissions, as with `app_commands.checks.has_permissions(manage_guild=True)`.
    """

    async def predicate(interaction: discord.Interaction) -> bool:
        bot = cast("PainterlyBot", interaction.client)
        if bot.service.is_owner(requester_of(interaction)):
            return True
        if interaction.guild_id is not None and interaction.permissions.manage_guild:
            return True
        raise app_commands.MissingPermissions(["manage_guild"])

    return app_commands.check(predicate)
