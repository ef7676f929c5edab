"""/quota and the Info and Delete buttons under a result on the fake Bot API (fake engine), with a
restart between the result and the presses."""

from __future__ import annotations

import re

import pytest

from bot.core import JobNotFound
from tests.bot.telegram.test_blocks import said
from tests.bot.telegram.test_loop import GROUP, keyboard_data, press, results
from tests.bot.telegram.test_moderation import preview_of, upload
from tests.support.services import LOOP_SETTINGS

ADA, BOB = 7401, 7402
SETTINGS = dict(LOOP_SETTINGS, user_jobs_per_hour=5, user_jobs_per_day=20)


async def test_quota_info_and_delete(harness, tmp_path) -> None:
    first = await harness.start(**SETTINGS)
    fake = first.fake
    fake.group(GROUP)
    ada, bob = fake.user(ADA, "Ada"), fake.user(BOB, "Bob")
    fake.send_text(GROUP, ada, "/quota")
    await said(fake, "You can start 5 more job(s) this hour and 20 more today here")
    await upload(fake, ada)
    await press(fake, ada, await preview_of(fake), "🎨 Paint it")
    [result] = await results(fake, 1)
    assert {"Info", "Delete", "Another seed"} <= set(keyboard_data(result))
    fake.send_text(GROUP, ada, "/quota")
    await said(fake, "You can start 4 more job(s) this hour and 19 more today here")

    await first.stop()
    second = await harness.start(**SETTINGS)  # the buttons outlive a restart
    info = await press(fake, bob, result, "Info")
    job_id = re.match(r"Job ([0-9a-f]+): quality draft · strength medium", info["text"])
    assert info["show_alert"] and job_id is not None and "seed 316" in info["text"]
    refused = await press(fake, bob, result, "Delete")
    assert refused["text"] == "Only the person who made this picture or an admin can delete it."
    posted = [  # the album, the side by side and the before -> after
        (GROUP, m["message_id"])
        for m in fake.bot_messages(GROUP)
        if "media_group_id" in m or "animation" in m or m.get("caption", "").startswith("Side by side")
    ]
    assert (tmp_path / "files" / job_id[1]).is_dir() and posted
    done = await press(fake, ada, result, "Delete")
    assert done["text"] == "Deleted."
    pictures = [key for key in fake.deleted if key[0] == GROUP]
    assert sorted(pictures) == sorted(posted) and len(posted) == 5
    assert not (tmp_path / "files" / job_id[1]).exists()
    with pytest.raises(JobNotFound):
        await second.service.get_job(job_id[1])
