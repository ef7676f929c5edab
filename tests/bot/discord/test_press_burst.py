"""One press of a button makes at most one job on Discord (issue 25, item 1): a burst of presses
on Paint it queues one job and posts one status message; every later press gets an answer only
the presser sees."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core import HarmonizeService, JobInfo, Requester
from tests.bot.discord.test_loop import bot_on, buttons, posted
from tests.support.discord_world import point_discord_py_at
from tests.support.fake_discord import FakeDiscord, Message
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.loop_images import cutout_bytes, painting_bytes

ADA = 930000000000000001
BURST = 50


def status_messages(fake: FakeDiscord, channel_id: int, before: int) -> list[Message]:
    """The job status messages posted in a channel after its first `before` messages."""
    return [m for m in fake.channel_messages(channel_id)[before:] if "checking" in (m.edits or [m.content])[0]]


async def queued_jobs(service: HarmonizeService, requester: Requester) -> list[JobInfo]:
    """The requester's jobs, once there is one."""
    while not (jobs := await service.list_jobs(requester)):
        await asyncio.sleep(0.01)
    return jobs


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
            # the refusals may all be answered before the one press that claimed the button has queued its job
            jobs = await asyncio.wait_for(
                queued_jobs(service, Requester("discord", str(ADA), str(guild.id))), HANG_GUARD_S
            )
            assert len(jobs) == 1
            assert len(status_messages(fake, guild.channel_id, before)) == 1  # the refusals were private
    finally:
        await fake.close()
