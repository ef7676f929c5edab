"""Posting a finished job: a media group (pass 1, pass 2, final, naive paste) and the side-by-side."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto, Message, ReplyParameters

from bot.core import JobFiles, before_after_gif
from bot.telegram.incoming_pictures import fits_as_photo
from bot.telegram.job_context import JobContext


def _load(paths: list[Path]) -> tuple[list[bytes], bool]:
    """The files' bytes, and whether every one of them is accepted by sendPhoto."""
    return [path.read_bytes() for path in paths], all(fits_as_photo(path) for path in paths)


async def send_results(
    bot: Bot,
    where: JobContext,
    job_id: str,
    files: JobFiles,
    buttons: InlineKeyboardMarkup | None = None,
    spoiler: bool = False,
) -> list[Message]:
    """Reply to the user's message with the pictures as an album, the side-by-side, then the
    animated before -> after carrying `buttons` (the loop's, for jobs from a preview).

    The album is pass 1, pass 2, the final (pass 2 after the post-processing; left out when the
    quality skips it, as it then equals pass 2) and the naive paste.
    Images sendPhoto refuses (over 10 MB, width + height over 10000, ratio over 20) go as files;
    an album cannot mix photos and files, so then the whole album goes as files. With `spoiler`
    every picture is hidden (has_spoiler); files cannot be, so those are left out then.
    Returns the messages posted (for the Delete and Report buttons).
    Raises OSError if the files are gone, TelegramError if Telegram refuses.
    """
    items = {
        "pass1": (files.pass1, f"Pass 1 (job {job_id})"),
        "pass2": (files.pass2, "Pass 2"),
        "final": (files.final, "Final: pass 2 with its artefacts cleaned up"),
        "original": (files.original, "Before: the naive paste"),
    }
    group, group_as_photos = await asyncio.to_thread(_load, [path for path, _ in items.values()])
    data = dict(zip(items, group, strict=True))
    if data["final"] == data["pass2"]:  # no post-processing: the result is pass 2
        del items["final"], data["final"]
    (compare,), compare_as_photo = await asyncio.to_thread(_load, [files.compare])
    reply = ReplyParameters(where.reply_to_id, allow_sending_without_reply=True)
    album: tuple[Message, ...] = ()
    if group_as_photos:
        photos = [
            InputMediaPhoto(data[name], caption=caption, filename=f"{job_id}-{name}.png", has_spoiler=spoiler)
            for name, (_, caption) in items.items()
        ]
        album = await bot.send_media_group(
            where.chat_id, photos, reply_parameters=reply, message_thread_id=where.thread_id
        )
    elif not spoiler:
        documents = [
            InputMediaDocument(data[name], caption=caption, filename=f"{job_id}-{name}.png")
            for name, (_, caption) in items.items()
        ]
        album = await bot.send_media_group(
            where.chat_id, documents, reply_parameters=reply, message_thread_id=where.thread_id
        )
    caption = "Side by side: painting, naive paste, pass 1, pass 2 (and final)"
    sent = [*album]
    if compare_as_photo:
        sent.append(
            await bot.send_photo(
                where.chat_id,
                compare,
                caption=caption,
                filename=f"{job_id}-compare.png",
                reply_parameters=reply,
                message_thread_id=where.thread_id,
                has_spoiler=spoiler,
            )
        )
    elif not spoiler:
        sent.append(
            await bot.send_document(
                where.chat_id,
                compare,
                caption=caption,
                filename=f"{job_id}-compare.png",
                reply_parameters=reply,
                message_thread_id=where.thread_id,
            )
        )
    animation = await asyncio.to_thread(before_after_gif, files.original, files.final)
    sent.append(
        await bot.send_animation(
            where.chat_id,
            animation,
            filename=f"{job_id}-before-after.gif",
            caption=f"Before and after (job {job_id})",
            reply_markup=buttons,
            reply_parameters=reply,
            message_thread_id=where.thread_id,
            has_spoiler=spoiler,
        )
    )
    return sent
