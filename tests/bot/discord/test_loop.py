"""The chat loop end to end on the stand-in Discord (fake engine): /harmonize -> preview -> move
-> Paint it -> result -> stronger -> result -> re-paint up to best -> cancel, with a press from
someone else, a press at the limit, a press after expiry and a restart between two presses."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core import ChatLoop
from bot.discord import create_front_end
from tests.support.discord_world import point_discord_py_at, settings_for
from tests.support.fake_discord import FakeDiscord, Guild, Interaction, Message
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS, make_service

ADA, BOB = 920000000000000001, 920000000000000002


@contextlib.asynccontextmanager
async def bot_on(fake: FakeDiscord, tmp_path: Path, **overrides: Any) -> AsyncIterator[Any]:
    """A core, its chat loop and a Discord front end connected to `fake` (a restart is a second one)."""
    settings = settings_for(tmp_path, **{**LOOP_SETTINGS, **overrides})
    service = make_service(settings)
    chat_loop = ChatLoop(service)
    front_end = create_front_end(service, settings, chat_loop)
    await service.start()
    await chat_loop.start()
    fake.ready.clear()
    serving = asyncio.create_task(front_end.run())
    try:
        await asyncio.wait_for(fake.ready.wait(), HANG_GUARD_S)
        yield service
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await chat_loop.stop()
        await service.stop()


def buttons(message: Message) -> dict[str, str]:
    """A message's buttons: label -> custom id."""
    return {
        button["label"]: button["custom_id"]
        for row in message.components
        for button in row["components"]
        if "custom_id" in button
    }


async def press(fake: FakeDiscord, guild: Guild, user: int, message: Message, label: str) -> Interaction:
    """Press the button called `label` under `message`."""
    return await fake.press(guild, user, message, buttons(message)[label])


async def private_answer(fake: FakeDiscord, interaction: Interaction) -> str:
    """The text of the first reply only the presser sees."""
    replies = await fake.wait_for(lambda: [m for m in interaction.replies() if m.ephemeral])
    return replies[0].content


def posted(fake: FakeDiscord, guild: Guild, test) -> list[Message]:
    """The channel's messages passing `test`, oldest first."""
    return [m for m in fake.channel_messages(guild.channel_id) if test(m)]


async def results(fake: FakeDiscord, guild: Guild, count: int) -> list[Message]:
    """The first `count` results messages (they carry the before/after GIF)."""

    def done() -> list[Message] | None:
        found = posted(fake, guild, lambda m: any(f.filename.endswith(".gif") for f in m.files))
        return found if len(found) >= count else None

    return await fake.wait_for(done)


async def test_the_whole_loop_on_discord(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path) as service:
            stamp = fake.next_id()
            files = [
                fake.host(f"painting-{stamp}.jpg", painting_bytes(), "image/jpeg"),
                fake.host(f"cup-{stamp}.png", cutout_bytes(), "image/png"),
            ]
            command = await fake.command(
                guild,
                ADA,
                "harmonize",
                [
                    {"name": "painting", "type": 11, "value": files[0]["id"]},
                    {"name": "object", "type": 11, "value": files[1]["id"]},
                    {"name": "x", "type": 10, "value": 0.3},
                ],
                files,
            )
            answer = await private_answer(fake, command)
            assert "preview" in answer.lower()
            [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
            assert {"◀", "▶", "▲", "▼", "Bigger", "Smaller", "Other cut-out", "Cancel"} < set(
                buttons(preview)
            ) and preview.files[0].filename.endswith(".jpg")
            assert (await service.queue_status()).queued == 0

            first_image = preview.files[0].data
            moved = await press(fake, guild, ADA, preview, "▶")
            await fake.wait_for(lambda: preview.files and preview.files[0].data != first_image)
            assert moved.callbacks[0]["type"] == 6  # deferred update within the 3 s
            assert not await service.list_jobs(_requester(ADA, guild))

            stranger = await press(fake, guild, BOB, preview, "▶")
            assert "belong to" in await private_answer(fake, stranger)

            await press(fake, guild, ADA, preview, "Paint it")
            [result] = await results(fake, guild, 1)
            assert "painting this as job" in preview.content and not preview.components
            assert {"Move / resize", "Stronger style", "Re-paint: standard", "Another seed"} <= set(buttons(result))
            gif = next(f for f in result.files if f.filename.endswith(".gif"))
            assert gif.data.startswith(b"GIF8")
            status = posted(fake, guild, lambda m: "done" in m.content)[0]
            assert not status.components  # the Cancel button goes when the job ends

        # a restart between two presses; one job at a time from now on
        async with bot_on(fake, tmp_path, user_concurrent_jobs=1) as service:
            await press(fake, guild, ADA, result, "Stronger style")
            stronger = (await results(fake, guild, 2))[1]
            await press(fake, guild, ADA, stronger, "Re-paint: standard")
            standard = (await results(fake, guild, 3))[2]
            await press(fake, guild, ADA, standard, "Re-paint: best")
            running = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Cancel job" in buttons(m)))

            limited = await press(fake, guild, ADA, result, "Another seed")
            assert "waiting or running" in await private_answer(fake, limited)

            cancel = await press(fake, guild, ADA, running[0], "Cancel job")
            assert "cancelled" in await private_answer(fake, cancel)
            await fake.wait_for(lambda: "cancelled" in running[0].content and not running[0].components)

            again = await press(fake, guild, ADA, stronger, "Move / resize")
            [new_preview] = await fake.wait_for(
                lambda: posted(  # the first lost its buttons
                    fake, guild, lambda m: "Paint it" in buttons(m)
                )
            )
            assert new_preview is not preview
            assert again.callbacks[0]["type"] == 6
            _expire_sessions(tmp_path / "bot.sqlite3")
            expired = await press(fake, guild, ADA, new_preview, "▼")
            assert "expired: send the pictures again" in await private_answer(fake, expired)
    finally:
        await fake.close()


def _requester(user: int, guild: Guild):
    from bot.core import Requester

    return Requester("discord", str(user), str(guild.id))


def _expire_sessions(database: Path) -> None:
    """Move every session's end into the past, as the clock would after its window."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE loop_sessions SET expires_at = 0")
        db.commit()
