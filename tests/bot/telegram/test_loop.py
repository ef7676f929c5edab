"""The chat loop end to end on Telegram (fake Bot API, fake engine): upload -> preview -> move ->
Paint it -> result -> stronger -> result -> re-paint up to best -> cancel, with a press from a
stranger, a press at the limit, a press after expiry and a restart between two presses."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from bot.core import JobDone
from tests.support.fake_telegram import FakeTelegram
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS

GROUP = -7001
ADA, BOB, ADMIN = 7101, 7102, 7103


def keyboard_data(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: label -> callback_data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def current(fake: FakeTelegram, message: dict[str, Any]) -> dict[str, Any]:
    """The message as it is now (after edits)."""
    return fake.messages[(message["chat"]["id"], message["message_id"])]


async def press(fake: FakeTelegram, user: dict[str, Any], message: dict[str, Any], label: str) -> dict[str, Any]:
    """Press the button called `label` under a message; return the answered query."""
    query_id = fake.press(user, current(fake, message), keyboard_data(current(fake, message))[label])
    return await fake.wait_for(lambda: fake.callback_queries[query_id]["answered"] and fake.callback_queries[query_id])


async def results(fake: FakeTelegram, count: int) -> list[dict[str, Any]]:
    """The first `count` before/after animations the bot posted in the group."""
    return await fake.wait_for(
        lambda: (found := [m for m in fake.bot_messages(GROUP) if "animation" in m])[count - 1 :] and found
    )


async def test_the_whole_loop_on_telegram(harness) -> None:
    first = await harness.start(**LOOP_SETTINGS)
    fake = first.fake
    fake.group(GROUP, admins=(ADMIN,))
    ada, bob = fake.user(ADA, "Ada"), fake.user(BOB, "Bob")
    command = fake.send_text(GROUP, ada, "/harmonize x=0.3 y=0.5 height=0.4")
    prompt = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "Reply to this message" in m.get("text", "")), None)
    )
    fake.send_document(GROUP, ada, painting_bytes(), "painting.jpg", "image/jpeg", reply_to=prompt["message_id"])
    await fake.wait_for(lambda: "photo of the object" in current(fake, prompt)["text"])
    fake.send_document(GROUP, ada, cutout_bytes(), "cup.png", "image/png", reply_to=prompt["message_id"])

    # the preview: a photo with its keyboard, and nothing queued
    preview = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "photo" in m and "reply_markup" in m), None)
    )
    assert {"◀", "▶", "▲", "▼", "Bigger", "Smaller", "Other cut-out", "🎨 Paint it", "Cancel"} == set(
        keyboard_data(preview)
    )
    assert "quality draft" in preview["caption"] and command["message_id"]
    assert (await first.service.queue_status()).queued == 0
    before = preview["photo"][-1]["file_id"]
    answered = await press(fake, ada, preview, "▶")
    assert not answered["show_alert"]
    assert current(fake, preview)["photo"][-1]["file_id"] != before  # re-rendered in place
    assert fake.calls_to("editMessageMedia") and not await first.service.list_jobs(_requester(ADA))

    # a stranger's press is refused; the owner's Paint it queues one job
    refused = await press(fake, bob, preview, "▶")
    assert refused["show_alert"] and "belong to" in refused["text"]
    await press(fake, ada, preview, "🎨 Paint it")
    assert "Painting this as job" in current(fake, preview)["caption"]
    assert "reply_markup" not in current(fake, preview)
    [result] = await results(fake, 1)
    assert "Stronger style" in keyboard_data(result) and "Re-paint: standard" in keyboard_data(result)
    assert result["animation"]["file_name"].endswith("before-after.gif")

    # restart between two presses: the old result's buttons still work
    await first.stop()
    second = await harness.start(**LOOP_SETTINGS, user_concurrent_jobs=1)
    await press(fake, ada, result, "Stronger style")
    stronger = (await results(fake, 2))[1]
    await press(fake, ada, stronger, "Re-paint: standard")
    standard = (await results(fake, 3))[2]
    assert "Re-paint: best" in keyboard_data(standard)
    await press(fake, ada, standard, "Re-paint: best")
    status = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "Cancel job" in keyboard_data(m)), None)
    )

    # at the limit (one job at a time): a press is refused, moving the preview is not
    limited = await press(fake, ada, result, "Another seed")
    assert limited["show_alert"] and "waiting or running" in limited["text"]
    moved = await press(fake, ada, preview := await _new_preview(fake, ada, result), "▲")
    assert not moved["show_alert"]

    cancelled = await press(fake, ada, status, "Cancel job")
    assert cancelled["text"] == "Cancelled."
    done = [e for e in second.events.events if isinstance(e, JobDone)]
    assert len(done) == 2  # stronger and standard; best was cancelled

    # after the session's window: a clear line
    _expire_sessions(harness.tmp_path / "bot.sqlite3")
    expired = await press(fake, ada, preview, "▼")
    assert expired["show_alert"] and "expired: send the pictures again" in expired["text"]

    # /deletemydata removes the session's pictures at once
    fake.send_text(GROUP, ada, "/deletemydata")
    await fake.wait_for(lambda: any("1 preview(s)" in t for t in fake.texts(GROUP)))
    assert not list((harness.tmp_path / "files" / "loop-sessions").iterdir())


async def _new_preview(fake: FakeTelegram, user: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Move / resize under a result: a new preview at that result's placement."""
    count = len([m for m in fake.bot_messages(GROUP) if "🎨 Paint it" in keyboard_data(m)])
    await press(fake, user, result, "Move / resize")
    return await fake.wait_for(
        lambda: (
            (found := [m for m in fake.bot_messages(GROUP) if "🎨 Paint it" in keyboard_data(m)])[count:]
            and found[count]
        )
    )


def _requester(user_id: int):
    from bot.core import Requester

    return Requester("telegram", str(user_id), str(GROUP))


def _expire_sessions(database) -> None:
    """Move every session's end into the past, as the clock would after its window."""
    with closing(sqlite3.connect(database)) as db:
        db.execute("UPDATE loop_sessions SET expires_at = 0")
        db.commit()
