"""One press of a button makes at most one job on Discord (issue 25, item 1): a burst of presses
on Paint it queues one job and posts one status message; every later press gets an answer only
the presser sees."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core import Requester
from tests.bot.discord.test_loop import bot_on, buttons, posted
from tests.support.discord_world import point_discord_py_at
from tests.support.fake_discord import FakeDiscord
from tests.support.loop_images import cutout_bytes, painting_bytes

ADA = 930000000000000001
BURST = 50


async def test_a_burst_of_paint_presses_makes_one_job_and_private_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path) as service:
            files = [
                fake.host("painting.jpg", painting_bytes(), "image/jpeg"),
                fake.host("cup.png", cutout_bytes(), "image/png"),
            ]
            options = [
                {"name": "painting", "type": 11, "value": files[0]["id"]},
                {"name": "object", "type": 11, "value": files[1]["id"]},
            ]
            await fake.command(guild, ADA, "harmonize", options, files)
            [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
            paint = buttons(preview)["Paint it"]
            before = len(fake.channel_messages(guild.channel_id))
            presses = await asyncio.gather(*(fake.press(guild, ADA, preview, paint) for _ in range(BURST)))
            private = await fake.wait_for(
                lambda: (found := [i for i in presses if any(m.ephemeral for m in i.replies())])[BURST - 2 :] and found
            )
            assert len(private) == BURST - 1
            assert all(next(m for m in i.replies() if m.ephemeral).content.startswith("Already") for i in private)
            assert len(await service.list_jobs(Requester("discord", str(ADA), str(guild.id)))) == 1
            statuses = [
                m for m in fake.channel_messages(guild.channel_id)[before:] if "checking" in (m.edits or [m.content])[0]
            ]
            assert len(statuses) == 1  # the job's status message; the refusals were private
    finally:
        await fake.close()
