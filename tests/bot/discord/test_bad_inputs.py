"""The bad-input corpus on the Discord stand-in (issue 25, item 8): each picture, attached with the
content type its name suggests, gets the core's decision (by its bytes, as on Telegram) and one
private line in the user's words."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from tests.support.bad_inputs import CASES
from tests.support.discord_world import png, running_world
from tests.support.wording import assert_no_library_text, assert_one_clear_line

USER = 960000000000000001


async def test_every_corpus_picture_gets_the_right_decision_in_one_line(tmp_path: Path) -> None:
    async with running_world(tmp_path) as world:
        fake, guild = world.fake, world.guilds[0]
        wrong: dict[str, str] = {}
        for name, case in CASES.items():
            stamp = fake.next_id()
            kind = mimetypes.guess_type(case.filename)[0] or "application/octet-stream"
            painting = fake.host(f"{stamp}-{case.filename}", case.make(), kind)
            photo = fake.host(f"{stamp}-object.png", png(), "image/png")
            options = [
                {"name": "painting", "type": 11, "value": painting["id"]},
                {"name": "object", "type": 11, "value": photo["id"]},
            ]
            answer = await world.answer(await fake.command(guild, USER, "harmonize", options, [painting, photo]))
            refused = answer.content.startswith("The painting")
            right = refused if case.reason is not None else "Queued as job" in answer.content
            if not right or not answer.ephemeral:
                wrong[name] = answer.content
            elif refused:
                assert_one_clear_line(answer.content)
                assert_no_library_text(answer.content)
        assert not wrong, wrong
