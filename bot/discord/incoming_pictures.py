"""The user's uploaded files: a quick look at the size Discord reports, then the download.

The format is judged from the bytes by the core, as on Telegram (a real PNG named `.heic` is a
PNG), so Discord's content type refuses nothing here (docs/inputs.md).
"""

from __future__ import annotations

import discord

from bot.core import InvalidImage
from bot.discord.cdn import fetch, too_big_text


def check_attachment(attachment: discord.Attachment, what: str, max_bytes: int) -> None:
    """Raise InvalidImage when Discord already says the file is too big (spares a download).

    `what` names the file in messages ("painting").
    """
    if attachment.size > max_bytes:
        raise InvalidImage(too_big_text(what, max_bytes))


async def download(attachment: discord.Attachment, what: str, max_bytes: int) -> bytes:
    """The file's bytes, fetched at once (attachment links expire) from Discord's CDN only."""
    return await fetch(attachment.url, what, max_bytes)
