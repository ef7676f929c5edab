"""The picture check on the stand-in Discord, under every policy, with an injected score (no
adult picture is in the repository; the real model: tests/bot/core/admin/test_picture_check.py).

Discord hides an attachment whose file name starts with SPOILER_ (discord.py's File(spoiler=True)).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core import ChatLoop
from bot.core.admin.moderation_policy import NOT_HERE, REFUSED
from bot.discord import create_front_end
from tests.bot.discord.test_loop import buttons, posted, press, private_answer, results
from tests.support.discord_world import point_discord_py_at, settings_for
from tests.support.fake_discord import EVERYDAY, MANAGE_GUILD, FakeDiscord, Guild, Interaction, Message
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS, make_service

ADA = 930000000000000001
FLAGGED = 0.97  # any score at or above the default threshold (0.5)


class Scores:
    """An injected picture check: every picture gets `value` (a test changes it between steps)."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.calls = 0

    def __call__(self, data: bytes) -> float:
        self.calls += 1
        return self.value


@contextlib.asynccontextmanager
async def discord_with(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scorer: Callable[[bytes], float],
    nsfw: bool = False,
    **overrides: Any,
) -> AsyncIterator[tuple[FakeDiscord, Guild]]:
    """The stand-in with one server (its channel age-restricted or not), a core and the bot."""
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    guild.nsfw = nsfw
    point_discord_py_at(fake, monkeypatch)
    settings = settings_for(tmp_path, **{**LOOP_SETTINGS, **overrides})
    service = make_service(settings, scorer=scorer)
    chat_loop = ChatLoop(service)
    front_end = create_front_end(service, settings, chat_loop)
    await service.start()
    await chat_loop.start()
    serving = asyncio.create_task(front_end.run())
    try:
        await asyncio.wait_for(fake.ready.wait(), HANG_GUARD_S)
        yield fake, guild
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await chat_loop.stop()
        await service.stop()
        await fake.close()


async def harmonize(fake: FakeDiscord, guild: Guild) -> Interaction:
    """/harmonize with the loop's synthetic painting and cut-out."""
    stamp = fake.next_id()
    files = [
        fake.host(f"painting-{stamp}.jpg", painting_bytes(), "image/jpeg"),
        fake.host(f"cup-{stamp}.png", cutout_bytes(), "image/png"),
    ]
    options = [
        {"name": "painting", "type": 11, "value": files[0]["id"]},
        {"name": "object", "type": 11, "value": files[1]["id"]},
    ]
    return await fake.command(guild, ADA, "harmonize", options, files)


async def preview_of(fake: FakeDiscord, guild: Guild) -> Message:
    """The preview message, once posted."""
    [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
    return preview


def hidden(message: Message) -> list[bool]:
    """Whether each of the message's attachments is a spoiler."""
    return [f.filename.startswith("SPOILER_") for f in message.files]


async def test_spoiler_hides_the_preview_its_moves_and_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_with(tmp_path, monkeypatch, Scores(FLAGGED), discord_moderation="spoiler") as (fake, guild):
        await harmonize(fake, guild)
        preview = await preview_of(fake, guild)
        assert hidden(preview) == [True]
        first = preview.files[0].data
        await press(fake, guild, ADA, preview, "▶")
        await fake.wait_for(lambda: preview.files and preview.files[0].data != first)
        assert hidden(preview) == [True]
        await press(fake, guild, ADA, preview, "Paint it")
        [result] = await results(fake, guild, 1)
        assert len(result.files) >= 4 and all(hidden(result))


async def test_age_restricted_refuses_outside_an_age_restricted_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_with(tmp_path, monkeypatch, Scores(FLAGGED)) as (fake, guild):  # the default policy
        command = await harmonize(fake, guild)
        assert await private_answer(fake, command) == NOT_HERE
        assert not posted(fake, guild, lambda m: m.files)


async def test_age_restricted_posts_as_is_in_an_age_restricted_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_with(tmp_path, monkeypatch, Scores(FLAGGED), nsfw=True) as (fake, guild):
        await harmonize(fake, guild)
        preview = await preview_of(fake, guild)
        assert hidden(preview) == [False]
        await press(fake, guild, ADA, preview, "Paint it")
        [result] = await results(fake, guild, 1)
        assert not any(hidden(result))


async def test_refuse_says_so_to_the_user_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with discord_with(tmp_path, monkeypatch, Scores(FLAGGED), nsfw=True, discord_moderation="refuse") as (
        fake,
        guild,
    ):
        command = await harmonize(fake, guild)
        assert await private_answer(fake, command) == REFUSED
        assert not posted(fake, guild, lambda m: m.files)


async def test_off_posts_flagged_pictures_as_they_are_without_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scores = Scores(FLAGGED)
    async with discord_with(tmp_path, monkeypatch, scores, discord_moderation="off") as (fake, guild):
        await harmonize(fake, guild)
        preview = await preview_of(fake, guild)
        await press(fake, guild, ADA, preview, "Paint it")
        [result] = await results(fake, guild, 1)
        assert hidden(preview) == [False] and not any(hidden(result))
        assert scores.calls == 0


async def test_a_result_is_checked_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = Scores(0.0)  # the uploads pass; the result does not
    async with discord_with(tmp_path, monkeypatch, scores) as (fake, guild):
        await harmonize(fake, guild)
        preview = await preview_of(fake, guild)
        assert hidden(preview) == [False]
        scores.value = FLAGGED
        await press(fake, guild, ADA, preview, "Paint it")
        refusal = await fake.wait_for(lambda: posted(fake, guild, lambda m: NOT_HERE in m.content))
        assert f"<@{ADA}>" in refusal[0].content
        assert not posted(fake, guild, lambda m: any(f.filename.endswith(".gif") for f in m.files))


async def test_an_admin_sets_the_servers_policy_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with discord_with(tmp_path, monkeypatch, Scores(FLAGGED)) as (fake, guild):
        options = [{"name": "name", "type": 3, "value": "moderation"}, {"name": "value", "type": 3, "value": "spoiler"}]
        refused = await fake.command(guild, ADA, "defaults", [{"name": "set", "type": 1, "options": options}])
        assert "Manage Server" in await private_answer(fake, refused)
        done = await fake.command(
            guild,
            ADA,
            "defaults",
            [{"name": "set", "type": 1, "options": options}],
            permissions=EVERYDAY | MANAGE_GUILD,
        )
        assert "picture check: spoiler" in await private_answer(fake, done)
        await harmonize(fake, guild)
        assert hidden(await preview_of(fake, guild)) == [True]


async def test_stats_count_jobs_times_and_refused_pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = Scores(0.0)
    async with discord_with(tmp_path, monkeypatch, scores, discord_moderation="refuse") as (fake, guild):
        await harmonize(fake, guild)
        await press(fake, guild, ADA, await preview_of(fake, guild), "Paint it")
        await results(fake, guild, 1)
        scores.value = FLAGGED
        assert await private_answer(fake, await harmonize(fake, guild)) == REFUSED
        refused = await private_answer(fake, await fake.command(guild, ADA, "stats"))
        assert refused == "Only members with the Manage Server permission, or the bot's owners, can do that."
        stats = await fake.command(guild, ADA, "stats", permissions=EVERYDAY | MANAGE_GUILD)
        lines = (await private_answer(fake, stats)).splitlines()
        assert lines[0] == "Queue now (whole bot): 0 waiting, 0 running."
        assert re.fullmatch(
            r"Here, last 24 hours: 1 job\(s\), 1 done, 0 failed; median time \d+ s; "
            r"1 picture\(s\) refused by the picture check\.",
            lines[1],
        )
