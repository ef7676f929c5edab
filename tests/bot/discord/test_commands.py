"""/queue, /cancel, /delete-my-data, /limits, /help and unexpected errors, via the stand-in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.core import JobStatus, Requester
from bot.discord.texts import GENERIC_APOLOGY
from tests.support.discord_world import OWNER_ID, World, png, running_world
from tests.support.fake_discord import EVERYDAY, MANAGE_GUILD, Guild, Message

pytestmark = pytest.mark.asyncio(loop_scope="module")
USER = 920000000000000001


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with running_world(tmp_path_factory.mktemp("discord"), guilds=4) as running:
        yield running


def option(name: str, value: Any) -> dict[str, Any]:
    kinds = {int: 4, str: 3}
    return {"name": name, "type": kinds[type(value)], "value": value}


async def ask(
    world: World,
    guild: Guild,
    user: int,
    name: str,
    *options: dict[str, Any],
    permissions: int = EVERYDAY,
    subcommand: str | None = None,
) -> Message:
    """Send a slash command and return the bot's (first) reply."""
    opts = list(options)
    if subcommand is not None:
        opts = [{"name": subcommand, "type": 1, "options": opts}]
    interaction = await world.fake.command(guild, user, name, opts, permissions=permissions)
    return await world.answer(interaction)


async def test_queue_and_cancel_a_running_job(world: World) -> None:
    fake, guild = world.fake, world.guilds[0]
    empty = await ask(world, guild, USER, "queue")
    assert empty.ephemeral and "You have no jobs" in empty.content
    await world.harmonize(guild, USER, png(), png(), quality="slow")
    status = await fake.wait_for(lambda: (fake.channel_messages(guild.channel_id) or [None])[0])
    await fake.wait_for(lambda: "pass 1 of 2" in status.content)  # a progress edit
    [job] = await world.service.list_jobs(Requester("discord", str(USER), str(guild.id)))
    listed = await ask(world, guild, USER, "queue")
    assert f"`{job.job_id}` running (slow)" in listed.content
    stranger = await ask(world, guild, USER + 1, "cancel", option("job", job.job_id))
    assert stranger.ephemeral and "Only the person who started" in stranger.content
    cancelled = await ask(world, guild, USER, "cancel")
    assert cancelled.ephemeral and f"Job `{job.job_id}` is cancelled" in cancelled.content
    await fake.wait_for(lambda: "was cancelled" in status.content)
    again = await ask(world, guild, USER, "cancel", option("job", job.job_id))
    assert "had already ended" in again.content


async def test_delete_my_data_removes_the_users_jobs(world: World) -> None:
    guild, user = world.guilds[1], USER + 10
    requester = Requester("discord", str(user), str(guild.id))
    await world.harmonize(guild, user, png(), png())
    await world.results(guild)
    assert [job.status for job in await world.service.list_jobs(requester)] == [JobStatus.DONE]
    answer = await ask(world, guild, user, "delete-my-data")
    assert answer.ephemeral and "1 job(s)" in answer.content
    assert await world.service.list_jobs(requester) == []


async def test_limits_set_is_refused_to_members_without_manage_server(world: World) -> None:
    guild = world.guilds[2]
    refused = await ask(
        world, guild, USER, "limits", option("limit", "user_jobs_per_hour"), option("value", 3), subcommand="set"
    )
    assert refused.ephemeral and "Manage Server" in refused.content
    limits = await world.service.get_limits("discord", str(guild.id))
    assert limits.user_jobs_per_hour == 1000


async def test_admins_set_their_servers_limits_and_owners_the_bots(world: World) -> None:
    guild = world.guilds[3]
    admin = EVERYDAY | MANAGE_GUILD
    done = await ask(
        world,
        guild,
        USER,
        "limits",
        option("limit", "user_jobs_per_hour"),
        option("value", 3),
        subcommand="set",
        permissions=admin,
    )
    assert done.ephemeral and "set to 3 here" in done.content
    assert "jobs per user per hour: 3 (whole bot: 1000)" in done.content
    assert (await world.service.get_limits("discord", str(guild.id))).user_jobs_per_hour == 3
    global_ = await ask(
        world,
        guild,
        USER,
        "limits",
        option("limit", "queue_cap"),
        option("value", 7),
        option("scope", "global"),
        subcommand="set",
        permissions=admin,
    )
    assert "Only the bot's owners can change global limits" in global_.content
    owner = await ask(
        world,
        guild,
        OWNER_ID,
        "limits",
        option("limit", "queue_cap"),
        option("value", 900),
        option("scope", "global"),
        subcommand="set",
    )
    assert "for the whole bot" in owner.content
    assert (await world.service.get_limits()).queue_cap == 900
    shown = await ask(world, guild, USER, "limits", subcommand="show")
    assert shown.ephemeral and "jobs waiting or running in the whole bot: 900" in shown.content


async def test_help_names_the_commands_and_qualities(world: World) -> None:
    answer = await ask(world, world.guilds[0], USER, "help")
    assert answer.ephemeral
    for text in ("/harmonize", "/queue", "/cancel", "/delete-my-data", "**instant** (default)"):
        assert text in answer.content


async def test_an_unexpected_error_gets_an_apology_and_a_log_line(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(world.service, "queue_status", broken)
    with caplog.at_level(logging.ERROR, logger="bot.discord"):
        answer = await ask(world, world.guilds[0], USER, "queue")
    assert answer.ephemeral and answer.content == GENERIC_APOLOGY
    assert "database on fire" not in answer.content
    assert any("/queue failed" in r.getMessage() and r.exc_info for r in caplog.records)
