"""/block, /unblock and /audit on the stand-in Discord: a blocked member's commands and presses
are refused with one line, across a restart; non-admins are refused; admins read the changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.admin.blocks import BLOCKED
from tests.bot.discord.test_loop import bot_on, buttons, posted, press, private_answer
from tests.support.discord_world import point_discord_py_at
from tests.support.fake_discord import EVERYDAY, MANAGE_GUILD, FakeDiscord, Guild, Interaction
from tests.support.loop_images import cutout_bytes, painting_bytes

ADA, BOB, ADMIN = 940000000000000001, 940000000000000002, 940000000000000003
ADMIN_RIGHTS = EVERYDAY | MANAGE_GUILD
MANAGE_SERVER_ONLY = "Only members with the Manage Server permission, or the bot's owners, can do that."


async def harmonize(fake: FakeDiscord, guild: Guild, user: int) -> Interaction:
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
    return await fake.command(guild, user, "harmonize", options, files)


async def on_user(fake: FakeDiscord, guild: Guild, by: int, name: str, user: int, **keywords: Any) -> str:
    """`/name user:<user>` sent by `by`; the bot's private answer."""
    options = [{"name": "user", "type": 6, "value": str(user)}]
    return await private_answer(fake, await fake.command(guild, by, name, options, users=(user,), **keywords))


async def test_block_unblock_and_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path):
            await harmonize(fake, guild, ADA)
            [preview] = await fake.wait_for(lambda: posted(fake, guild, lambda m: "Paint it" in buttons(m)))
            assert await on_user(fake, guild, BOB, "block", ADA) == MANAGE_SERVER_ONLY
            assert "can no longer use the bot here" in await on_user(
                fake, guild, ADMIN, "block", ADA, permissions=ADMIN_RIGHTS
            )
            assert await private_answer(fake, await press(fake, guild, ADA, preview, "▶")) == BLOCKED
            assert await private_answer(fake, await harmonize(fake, guild, ADA)) == BLOCKED

        async with bot_on(fake, tmp_path):  # a restart keeps the block
            assert await private_answer(fake, await harmonize(fake, guild, ADA)) == BLOCKED
            assert await private_answer(fake, await fake.command(guild, BOB, "audit")) == MANAGE_SERVER_ONLY
            assert "may use the bot here again" in await on_user(
                fake, guild, ADMIN, "unblock", ADA, permissions=ADMIN_RIGHTS
            )
            answer = await private_answer(fake, await harmonize(fake, guild, ADA))
            assert "preview" in answer.lower()
            audit = await private_answer(fake, await fake.command(guild, ADMIN, "audit", permissions=ADMIN_RIGHTS))
            lines = audit.splitlines()
            assert lines[1].endswith(f"user {ADMIN}: unblocked user {ADA}")
            assert lines[2].endswith(f"user {ADMIN}: blocked user {ADA}") and len(lines) == 3
    finally:
        await fake.close()


async def admin_set(fake: FakeDiscord, guild: Guild, command: str, *options: tuple[str, str | int]) -> str:
    """`/command set name:value ...` sent by the admin; the bot's private answer."""
    kinds = {int: 4, str: 3}
    values = [{"name": name, "type": kinds[type(value)], "value": value} for name, value in options]
    sent = [{"name": "set", "type": 1, "options": values}]
    return await private_answer(fake, await fake.command(guild, ADMIN, command, sent, permissions=ADMIN_RIGHTS))


async def test_the_audit_keeps_limit_and_default_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild()
    point_discord_py_at(fake, monkeypatch)
    try:
        async with bot_on(fake, tmp_path):
            audit = await fake.command(guild, ADMIN, "audit", permissions=ADMIN_RIGHTS)
            assert "No admin has changed" in await private_answer(fake, audit)
            await admin_set(fake, guild, "limits", ("limit", "user_jobs_per_hour"), ("value", 3))
            await admin_set(fake, guild, "defaults", ("name", "moderation"), ("value", "Refuse"))
            audit = await fake.command(guild, ADMIN, "audit", permissions=ADMIN_RIGHTS)
            lines = (await private_answer(fake, audit)).splitlines()
            assert lines[1].endswith(f", user {ADMIN}: set the default moderation to refuse")
            assert lines[2].endswith(f", user {ADMIN}: set the chat limit user_jobs_per_hour to 3") and len(lines) == 3
    finally:
        await fake.close()
