"""A hostile file name on Discord is never echoed as a link or a mention, and Discord's content
type names no MIME type to the user (issue 25, items 8 and 10)."""

from __future__ import annotations

from pathlib import Path

from tests.bot.core.chat.test_shown_names import HOSTILE
from tests.support.discord_world import png, running_world

USER = 950000000000000001


async def test_a_hostile_name_and_content_type_reach_no_reply(tmp_path: Path) -> None:
    async with running_world(tmp_path) as world:
        fake, guild = world.fake, world.guilds[0]
        painting = fake.host("p.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
        painting["filename"] = HOSTILE
        photo = fake.host("o.png", png(), "image/png")
        options = [
            {"name": "painting", "type": 11, "value": painting["id"]},
            {"name": "object", "type": 11, "value": photo["id"]},
        ]
        answer = await world.answer(await fake.command(guild, USER, "harmonize", options, [painting, photo]))
        assert answer.ephemeral and "painting is an SVG drawing; export it as a PNG" in answer.content
        assert "](" not in answer.content and "@everyone" not in answer.content
        assert "image/svg+xml" not in answer.content
