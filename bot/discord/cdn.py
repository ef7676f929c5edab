"""Attachments fetched only from Discord's own CDN over HTTPS, never more than the size limit.

An attachment's URL comes in the interaction's payload; a forged or proxied payload could point it
anywhere (the issue saw 127.0.0.1), so only the origins below are fetched, and the bytes are
counted while they stream in: a file bigger than it claimed stops at the limit, not in memory.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp

from bot.core import InvalidImage
from bot.discord.replies import DiscordActionFailed

# Where Discord serves attachments: `url` on cdn.discordapp.com, `proxy_url` on
# media.discordapp.net (DAD reference.mdx, "Image Formatting" and "Signed Attachment CDN URLs").
CDN_ORIGINS = ("https://cdn.discordapp.com", "https://media.discordapp.net")
CHUNK_BYTES = 64 * 1024
FETCH_TIMEOUT_S = 60.0  # a 10 MB attachment on a slow link; signed URLs last far longer


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, exactly as written (user info included, so it never matches)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def too_big_text(what: str, max_bytes: int) -> str:
    """The refusal of a file above the bot's limit."""
    return f"The {what} is too big; the limit is {max_bytes / 1e6:.1f} MB. Send a smaller picture."


async def fetch(url: str, what: str, max_bytes: int) -> bytes:
    """The bytes at `url`, if it is on Discord's CDN and at most `max_bytes` long.

    Raises DiscordActionFailed for another origin or a failed download, InvalidImage above the
    limit; `what` names the file in messages ("painting").
    """
    if origin_of(url) not in CDN_ORIGINS:
        raise DiscordActionFailed(f"The {what} is not a file uploaded to Discord; attach the picture itself.")
    received = bytearray()
    try:
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url, allow_redirects=False) as answer:
            if answer.status != 200:
                raise DiscordActionFailed(_could_not(what))
            if (answer.content_length or 0) > max_bytes:
                raise InvalidImage(too_big_text(what, max_bytes))
            async for chunk in answer.content.iter_chunked(CHUNK_BYTES):
                received += chunk
                if len(received) > max_bytes:
                    raise InvalidImage(too_big_text(what, max_bytes))
    except (aiohttp.ClientError, TimeoutError) as error:
        raise DiscordActionFailed(_could_not(what)) from error
    return bytes(received)


def _could_not(what: str) -> str:
    """The one line for a download that failed on Discord's side."""
    return f"I could not download the {what} from Discord just now; please send the command again."
