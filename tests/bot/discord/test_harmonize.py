"""/harmonize end to end against the stand-in Discord: replies, status edits, posted pictures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.core import Requester
from bot.discord.job_context import JobContext
from tests.support.discord_world import OWNER_ID, World, png, running_world
from tests.support.fake_discord import EPHEMERAL

pytestmark = pytest.mark.asyncio(loop_scope="module")
USER = 910000000000000001
PART_NAMES = ("pass1", "pass2", "original", "compare")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with running_world(tmp_path_factory.mktemp("discord"), guilds=8) as running:
        yield running


async def test_harmonize_posts_the_pictures_with_a_mention(world: World) -> None:
    fake, guild = world.fake, world.guilds[0]
    interaction = await world.harmonize(guild, USER, png(), png(), x=0.4, strength="strong")
    posted = (await world.results(guild))[0]
    names = [f.filename for f in posted.files]
    assert all(any(part in name for name in names) for part in PART_NAMES), names
    pictures = [f for f in posted.files if not f.filename.endswith("before-after.gif")]
    assert len(pictures) == len(posted.files) - 1  # and the animated before -> after
    assert all(f.data.startswith(b"\x89PNG") for f in pictures)  # small enough to stay PNG
    assert f"<@{USER}>" in posted.content
    assert [int(user) for user in posted.allowed_mentions["users"]] == [USER]
    status = fake.channel_messages(guild.channel_id)[0]
    assert int(posted.reference["message_id"]) == status.id
    assert "checking" in status.edits[0] and "position 1" in status.edits[1]
    assert "done" in status.edits[-1]
    assert interaction.callbacks[0]["type"] == 5  # deferred within the 3 s
    assert interaction.callbacks[0]["data"]["flags"] & EPHEMERAL
    answer = await world.answer(interaction)
    assert answer.ephemeral and "position 1" in answer.content
    assert fake.identify is not None and fake.identify["intents"] == 1  # guilds only
    await fake.wait_for(lambda: fake.heartbeats > 0)


async def test_a_file_that_is_no_image_is_judged_by_its_bytes_not_its_content_type(world: World) -> None:
    fake, guild = world.fake, world.guilds[1]
    interaction = await world.harmonize(guild, USER, b"hello", png(), content_type="text/plain")
    answer = await world.answer(interaction)
    assert answer.ephemeral and "painting is not an image" in answer.content
    assert "text/plain" not in answer.content and "PNG, JPEG or WebP" in answer.content
    assert [m for m in fake.channel_messages(guild.channel_id) if not m.deleted] == []


async def test_a_damaged_image_is_refused_privately_after_download(world: World) -> None:
    fake, guild = world.fake, world.guilds[1]
    interaction = await world.harmonize(guild, USER, b"\x89PNG not really", png())
    answer = await world.answer(interaction)
    assert answer.ephemeral and "painting is not an image" in answer.content
    await fake.wait_for(lambda: all(m.deleted for m in fake.channel_messages(guild.channel_id)))


async def test_a_channel_the_bot_cannot_post_in_is_refused_before_queueing(world: World) -> None:
    guild = world.guilds[7]
    guild.bot_may_post = False
    interaction = await world.harmonize(guild, USER + 7, png(), png())
    answer = await world.answer(interaction)
    assert answer.ephemeral and "I cannot post in this channel" in answer.content
    assert await world.service.list_jobs(Requester("discord", str(USER + 7), str(guild.id))) == []


async def test_a_rate_limited_user_is_told_how_long_to_wait(world: World) -> None:
    guild, user = world.guilds[2], USER + 2  # limits count a user's jobs in every server
    owner = Requester("discord", str(OWNER_ID), str(guild.id))
    await world.service.set_limit(owner, "user_jobs_per_hour", 1, "chat")
    await world.harmonize(guild, user, png(), png())
    await world.results(guild)
    refused = await world.harmonize(guild, user, png(), png())
    answer = await world.answer(refused)
    assert answer.ephemeral and "1 job(s) per hour" in answer.content
    assert "Try again in 60 min" in answer.content


async def test_a_failed_job_is_told_privately_and_shown_in_its_status(world: World) -> None:
    fake, guild = world.fake, world.guilds[3]
    interaction = await world.harmonize(guild, USER, png(), png(colours=1))
    notice = await world.answer(interaction, count=2)
    assert notice.ephemeral and "No object found in the photo." in notice.content
    status = fake.channel_messages(guild.channel_id)[0]
    await fake.wait_for(lambda: "failed" in status.content)


async def test_pictures_are_shrunk_to_the_upload_limit_the_interaction_reports(world: World) -> None:
    fake, guild = world.fake, world.guilds[4]
    guild.upload_limit = 12_000
    await world.harmonize(guild, USER, png(), png())
    posted = (await world.results(guild))[0]
    assert all(len(f.data) <= 12_000 and f.filename.endswith(".jpg") for f in posted.files)
    assert "JPEG" in posted.content
    assert (413, guild.channel_id) not in fake.refused  # fitted at the first try


async def test_a_lower_real_limit_than_reported_is_met_by_retrying(world: World) -> None:
    fake, guild = world.fake, world.guilds[5]
    guild.upload_limit, guild.enforced_limit = 200_000, 9_000  # as in Sept 2026 (docs/bot-conventions.md §1)
    await world.harmonize(guild, USER, png(), png())
    posted = (await world.results(guild))[0]
    assert (413, guild.channel_id) in fake.refused  # 5 pictures and the animation, as JPEGs
    assert len(posted.files) == 6 and all(len(f.data) <= 9_000 for f in posted.files)


async def test_results_reach_the_channel_without_the_interaction(world: World) -> None:
    """A job queued before a restart is followed from its stored context alone."""
    fake, guild = world.fake, world.guilds[6]
    status = fake.post_as_bot(guild.channel_id, "queued before the restart")
    context = JobContext(guild.channel_id, status.id, USER, guild.upload_limit)
    await world.service.submit(Requester("discord", str(USER), str(guild.id)), png(), png(), context=context.to_json())
    posted = (await world.results(guild))[0]
    assert f"<@{USER}>" in posted.content and len(posted.files) == 6  # 5 PNGs and the GIF
    assert "done" in status.content
