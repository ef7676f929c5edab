"""`python -m bot.discord.sync`: the command tree Discord receives, globally or for one server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.discord.sync import sync_commands
from tests.support.discord_world import point_discord_py_at, settings_for
from tests.support.fake_discord import FakeDiscord


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


async def test_sync_uploads_every_command_with_its_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        point_discord_py_at(fake, monkeypatch)
        names = await sync_commands(settings_for(tmp_path))
        guild = fake.add_guild()
        await sync_commands(settings_for(tmp_path), guild.id)
    finally:
        await fake.close()
    assert sorted(names) == [
        "audit",
        "block",
        "cancel",
        "defaults",
        "delete-my-data",
        "harmonize",
        "help",
        "limits",
        "queue",
        "quota",
        "reports",
        "stats",
        "unblock",
    ]
    commands = by_name(fake.synced["global"])
    assert sorted(fake.synced[str(guild.id)], key=str) == sorted(fake.synced["global"], key=str)
    harmonize = by_name(commands["harmonize"]["options"])
    assert harmonize["painting"]["type"] == harmonize["object"]["type"] == 11  # attachments
    assert harmonize["painting"]["required"] and harmonize["object"]["required"]
    assert (harmonize["x"]["min_value"], harmonize["x"]["max_value"]) == (0.0, 1.0)
    assert harmonize["height"]["min_value"] == 0.02
    assert [c["value"] for c in harmonize["strength"]["choices"]] == [
        "auto",
        "very light",
        "light",
        "medium",
        "strong",
        "very strong",
    ]  # the one table
    assert harmonize["quality"]["autocomplete"]
    limits = by_name(commands["limits"]["options"])
    assert set(limits) == {"show", "set"} and limits["set"]["type"] == 1  # sub-commands
    settable = by_name(limits["set"]["options"])
    assert len(settable["limit"]["choices"]) == 7


async def test_sync_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PAINTERLY_DISCORD_TOKEN is not set"):
        await sync_commands(settings_for(tmp_path, discord_token=None))
