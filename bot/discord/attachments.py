"""The user's uploaded files: a quick look at what Discord says about them, then the download."""

from __future__ import annotations

import aiohttp
import discord

from bot.core import InvalidImage
from bot.discord.replies import DiscordActionFailed
from harmonize.imageio import ACCEPTED_FORMATS

IMAGE_TYPES = tuple(f"image/{suffix}" for suffix in ACCEPTED_FORMATS.values())  # the one reader's


def check_attachment(attachment: discord.Attachment, what: str, max_bytes: int) -> None:
    """Raise InvalidImage when Discord already says the file is no image or is too big.

    The bytes are checked again by the core; this only spares a download. `what` names the
    file in messages ("painting").
    """
    kind = (attachment.content_type or "").split(";")[0].strip().lower()
    if kind and kind not in IMAGE_TYPES:
        raise InvalidImage(f"The {what} ({attachment.filename}) is a {kind} file; send a PNG, JPEG or WebP image.")
    if attachment.size > max_bytes:
        raise InvalidImage(
            f"The {what} is too big ({attachment.size / 1e6:.1f} MB); the limit is "
            f"{max_bytes / 1e6:.1f} MB. Send a smaller picture."
        )


async def download(attachment: discord.Attachment, what: str) -> bytes:
    """The file's bytes, fetched at once (attachment links expire); DiscordActionFailed if not."""
    try:
        return await attachment.read()
    except (discord.HTTPException, aiohttp.ClientError) as error:
        raise DiscordActionFailed(
            f"I could not download the {what} from Discord ({error}); please send the command again."
        ) from error
