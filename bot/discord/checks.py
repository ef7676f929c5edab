"""Command checks, used as decorators (discord.py's `app_commands.check`)."""

from __future__ import annotations

from typing import Callable, TypeVar

import discord
from discord import app_commands

from bot.core import HarmonizeService
from bot.discord.context import requester_of

T = TypeVar("T")


def manager_or_owner(service: Callable[[discord.Interaction], HarmonizeService]
                     ) -> Callable[[T], T]:
    """Allow bot owners (settings, via the service) and members with Manage Server.

    `service` finds the HarmonizeService from the interaction. Others get MissingPermissions,
    as with `app_commands.checks.has_permissions(manage_guild=True)`.
    """
    async def predicate(interaction: discord.Interaction) -> bool:
        if service(interaction).is_owner(requester_of(interaction)):
            return True
        if interaction.guild_id is not None and interaction.permissions.manage_guild:
            return True
        raise app_commands.MissingPermissions(["manage_guild"])

    return app_commands.check(predicate)
