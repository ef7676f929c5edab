"""The Report button and the admins' chat on the fake Bot API: a report hides the result (its
photos and animation edited with has_spoiler) and sends the result, its inputs' thumbnails, the
job id and its maker to the chat the group's admins chose; Keep shows it again, Remove deletes
it; across a restart."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import JobNotFound
from bot.telegram.reports import HIDDEN, NOWHERE
from tests.bot.telegram.test_blocks import said
from tests.bot.telegram.test_loop import GROUP, current, keyboard_data, press, results
from tests.bot.telegram.test_moderation import preview_of, upload
from tests.support.fake_telegram import FakeTelegram
from tests.support.services import LOOP_SETTINGS

MODS = -7901  # the admins' chat
ADA, BOB, ADMIN = 7501, 7502, 7503


def result_messages(fake: FakeTelegram) -> list[dict[str, Any]]:
    """The group's result messages: the album, the side by side and the before -> after."""
    return [
        m
        for m in fake.bot_messages(GROUP)
        if "media_group_id" in m or "animation" in m or m.get("caption", "").startswith("Side by side")
    ]


def report_of(fake: FakeTelegram, count: int) -> list[dict[str, Any]] | None:
    """The first `count` report texts in the admins' chat, once there."""
    found = [m for m in fake.bot_messages(MODS) if m.get("text", "").startswith("Report on job")]
    return found if len(found) >= count else None


async def test_report_keep_and_remove(harness) -> None:
    first = await harness.start(**LOOP_SETTINGS)
    fake = first.fake
    fake.group(GROUP, admins=(ADMIN,))
    fake.group(MODS, title="Mods", admins=(ADMIN,))
    ada, bob, admin = fake.user(ADA, "Ada"), fake.user(BOB, "Bob"), fake.user(ADMIN, "Admin")
    await upload(fake, ada)
    await press(fake, ada, await preview_of(fake), "🎨 Paint it")
    [result] = await results(fake, 1)
    answered = await press(fake, bob, result, "Report")
    assert answered["show_alert"] and answered["text"] == HIDDEN + NOWHERE
    assert all(m.get("has_media_spoiler") for m in result_messages(fake)) and len(result_messages(fake)) == 5
    assert "Report" in keyboard_data(current(fake, result))  # the animation keeps its buttons

    fake.send_text(GROUP, bob, f"/reports {MODS}")
    await said(fake, "Only admins of this chat can choose where its reports go.")
    fake.send_text(GROUP, admin, f"/reports {MODS}")
    await said(fake, f"Reports of this chat's results now go to chat {MODS}.")
    await upload(fake, ada)
    await press(fake, ada, await preview_of(fake), "🎨 Paint it")
    second = (await results(fake, 2))[1]
    assert (await press(fake, bob, second, "Report"))["text"] == HIDDEN
    [report] = await fake.wait_for(lambda: report_of(fake, 1))
    job_id = report["text"].split()[3]
    assert f"made by user {ADA}, reported by user {BOB}" in report["text"]
    thumbnails = [m for m in fake.bot_messages(MODS) if "photo" in m]
    assert len(thumbnails) == 3 and all(m.get("has_media_spoiler") for m in thumbnails)
    assert set(keyboard_data(report)) == {"Keep", "Remove"}
    assert current(fake, second).get("has_media_spoiler") is True

    await first.stop()
    second_bot = await harness.start(**LOOP_SETTINGS)  # decisions after a restart
    refused = await press(fake, bob, report, "Keep")
    assert refused["text"] == "Only admins can decide on a report."
    await press(fake, admin, report, "Keep")
    assert current(fake, report)["text"].endswith(f"Kept by user {ADMIN}.")
    assert "has_media_spoiler" not in current(fake, second) and "Info" in keyboard_data(current(fake, second))

    await press(fake, bob, second, "Report")
    [_, again] = await fake.wait_for(lambda: report_of(fake, 2))
    await press(fake, admin, again, "Remove")
    assert current(fake, again)["text"].endswith(f"Removed by user {ADMIN}.")
    assert (GROUP, second["message_id"]) in fake.deleted
    with pytest.raises(JobNotFound):
        await second_bot.service.get_job(job_id)
