"""The Report button and the moderation channel on the stand-in Discord: a report hides the result
(spoilers) and reaches the channel the admins chose with the result, its inputs' thumbnails, the
job id and its maker; Keep shows it again, Remove deletes it; across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import JobNotFound
from bot.discord.reports import HIDDEN, NOWHERE
from tests.bot.discord.test_blocks import harmonize
from tests.bot.discord.test_loop import bot_on, buttons, posted, press, private_answer, results
from tests.bot.discord.test_moderation import hidden
from tests.support.discord_world import point_discord_py_at
from tests.support.fake_discord import EVERYDAY, MANAGE_GUILD, FakeDiscord, Guild, Message

ADA, BOB, ADMIN = 960000000000000001, 960000000000000002, 960000000000000003
ADMIN_RIGHTS = EVERYDAY | MANAGE_GUILD


async def painted(fake: FakeDiscord, guild: Guild, count: int) -> Message:
    """Ada's `count`-th result, from a new preview (a painted preview loses its buttons)."""
    await harmonize(fake, guild, ADA)
    [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
    await press(fake, guild, ADA, preview, "Paint it")
    return (await results(fake, guild, count))[count - 1]


def reports(fake: FakeDiscord, guild: Guild) -> list[Message]:
    """The reports posted in the server's channel."""
    return posted(fake, guild, lambda m: m.content.startswith("Report on job"))


async def test_report_keep_and_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path):
            first = await painted(fake, guild, 1)
            assert await private_answer(fake, await press(fake, guild, BOB, first, "Report")) == HIDDEN + NOWHERE
            assert all(hidden(first)) and not reports(fake, guild)

            here = [{"name": "here", "type": 1, "options": []}]
            refused = await private_answer(fake, await fake.command(guild, BOB, "reports", here))
            assert "Manage Server" in refused
            await private_answer(fake, await fake.command(guild, ADMIN, "reports", here, permissions=ADMIN_RIGHTS))
            second = await painted(fake, guild, 2)
            assert not any(hidden(second))
            assert await private_answer(fake, await press(fake, guild, BOB, second, "Report")) == HIDDEN
            [report] = await fake.wait_for(lambda: reports(fake, guild))
            job_id = report.content.split("`")[1]
            assert f"made by <@{ADA}> (id {ADA}), reported by <@{BOB}>" in report.content
            assert job_id in second.files[0].filename and all(hidden(second))
            assert len(report.files) == 3 and all(hidden(report))  # the result, the painting, the photo
            assert set(buttons(report)) == {"Keep", "Remove"}

        async with bot_on(fake, tmp_path) as service:  # decisions after a restart
            refused = await private_answer(fake, await press(fake, guild, BOB, report, "Keep"))
            assert refused == "Only admins can decide on a report."
            await private_answer(fake, await fake.press(guild, ADMIN, report, buttons(report)["Keep"], ADMIN_RIGHTS))
            assert not any(hidden(second)) and len(second.files) >= 4
            assert report.content.endswith(f"Kept by <@{ADMIN}>.") and not buttons(report)

            await press(fake, guild, BOB, second, "Report")
            [_, again] = await fake.wait_for(lambda: reports(fake, guild)[1:] and reports(fake, guild))
            await private_answer(fake, await fake.press(guild, ADMIN, again, buttons(again)["Remove"], ADMIN_RIGHTS))
            assert second.deleted and again.content.endswith(f"Removed by <@{ADMIN}>.")
            with pytest.raises(JobNotFound):
                await service.get_job(job_id)
            audit = await private_answer(fake, await fake.command(guild, ADMIN, "audit", permissions=ADMIN_RIGHTS))
            assert f"removed reported job {job_id}" in audit and f"kept reported job {job_id}" in audit
            assert f"sent this chat's reports to {guild.channel_id}" in audit
    finally:
        await fake.close()
