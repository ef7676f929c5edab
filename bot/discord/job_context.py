"""What the Discord front end stores with each job (JobRef.context) and who asks (Requester)."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.core import Requester, StoredContext
from bot.discord.result_pictures import DEFAULT_FILE_LIMIT

PLATFORM = "discord"


@dataclass(frozen=True)
class JobContext(StoredContext):
    """Where a job's status message is and what the channel accepts, so results survive restarts.

    channel_id, message_id: the public status message; user_id: who to mention;
    upload_limit: bytes per file the interaction reported (`Interaction.filesize_limit`);
    flagged: 1 when the picture check flagged the uploads (bot/core/admin/picture_moderation.py).
    """

    channel_id: int
    message_id: int
    user_id: int
    upload_limit: int = DEFAULT_FILE_LIMIT
    flagged: int = 0


def requester_of(interaction: discord.Interaction) -> Requester:
    """The core's Requester for an interaction: a server's id is its chat, else the channel's.

    Members with Manage Server count as admins of their server.
    """
    chat = interaction.guild_id if interaction.guild_id is not None else interaction.channel_id
    admin = interaction.guild_id is not None and interaction.permissions.manage_guild
    return Requester(PLATFORM, str(interaction.user.id), str(chat), admin)
