"""/quota and the Info and Delete buttons under a result, on the stand-in Discord (fake engine),
with a restart between the result and the presses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import JobNotFound
from tests.bot.discord.test_blocks import harmonize
from tests.bot.discord.test_loop import bot_on, buttons, posted, press, private_answer, results
from tests.support.discord_world import point_discord_py_at
from tests.support.fake_discord import FakeDiscord

ADA, BOB = 950000000000000001, 950000000000000002
LIMITS = dict(user_jobs_per_hour=5, user_jobs_per_day=20)


async def test_quota_info_and_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path, **LIMITS):
            answer = await private_answer(fake, await fake.command(guild, ADA, "quota"))
            assert answer.startswith("You can start 5 more job(s) this hour and 20 more today here")
            await harmonize(fake, guild, ADA)
            [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
            await press(fake, guild, ADA, preview, "Paint it")
            [result] = await results(fake, guild, 1)
            assert {"Info", "Delete", "Another seed"} <= set(buttons(result))
            answer = await private_answer(fake, await fake.command(guild, ADA, "quota"))
            assert answer.startswith("You can start 4 more job(s) this hour and 19 more today here")
            assert "no job waiting" in answer

        async with bot_on(fake, tmp_path, **LIMITS) as service:  # the buttons outlive a restart
            info = await private_answer(fake, await press(fake, guild, BOB, result, "Info"))
            job_id = re.match(r"Job ([0-9a-f]+): quality draft · strength medium", info)
            assert job_id is not None and "seed 316" in info and re.search(r"painted in \d+ s\.$", info)
            assert (tmp_path / "files" / job_id[1]).is_dir()
            refused = await private_answer(fake, await press(fake, guild, BOB, result, "Delete"))
            assert refused == "Only the person who made this picture or an admin can delete it."
            assert not result.deleted
            done = await private_answer(fake, await press(fake, guild, ADA, result, "Delete"))
            assert done == f"Deleted job {job_id[1]}'s pictures."
            assert result.deleted and not (tmp_path / "files" / job_id[1]).exists()
            with pytest.raises(JobNotFound):
                await service.get_job(job_id[1])
    finally:
        await fake.close()
