"""The picture check on the fake Bot API, under every policy, with an injected score (no adult
picture is in the repository; the real model: tests/bot/core/admin/test_picture_check.py).

Telegram hides a photo or animation sent with has_spoiler (the message then has has_media_spoiler).
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.admin.moderation_policy import NOT_HERE, REFUSED
from tests.bot.telegram.test_loop import GROUP, current, press, results
from tests.support.fake_telegram import FakeTelegram
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS

ADA, ADMIN = 7201, 7203
FLAGGED = 0.97  # any score at or above the default threshold (0.5)


class Scores:
    """An injected picture check: every picture gets `value` (a test changes it between steps)."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.calls = 0

    def __call__(self, data: bytes) -> float:
        self.calls += 1
        return self.value


async def upload(fake: FakeTelegram, user: dict[str, Any]) -> dict[str, Any]:
    """/harmonize, then the painting and the cut-out as replies to the prompt; the status message."""
    command = fake.send_text(GROUP, user, "/harmonize")
    prompt = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "Reply to this message" in m.get("text", "")), None)
    )
    fake.send_document(GROUP, user, painting_bytes(), "painting.jpg", "image/jpeg", reply_to=prompt["message_id"])
    await fake.wait_for(lambda: "photo of the object" in current(fake, prompt)["text"])
    fake.send_document(GROUP, user, cutout_bytes(), "cup.png", "image/png", reply_to=prompt["message_id"])
    return command


async def preview_of(fake: FakeTelegram) -> dict[str, Any]:
    """The preview photo with its keyboard, once posted."""
    return await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "photo" in m and "reply_markup" in m), None)
    )


def pictures(fake: FakeTelegram) -> list[dict[str, Any]]:
    """Every photo, animation or file the bot posted in the group."""
    return [m for m in fake.bot_messages(GROUP) if {"photo", "animation", "document"} & set(m)]


async def test_spoiler_hides_the_preview_its_moves_and_the_results(harness) -> None:
    bot = await harness.start(Scores(FLAGGED), **LOOP_SETTINGS)  # spoiler: Telegram's default
    fake = bot.fake
    fake.group(GROUP, admins=(ADMIN,))
    ada = fake.user(ADA, "Ada")
    await upload(fake, ada)
    preview = await preview_of(fake)
    assert preview.get("has_media_spoiler") is True
    await press(fake, ada, preview, "▶")
    assert current(fake, preview).get("has_media_spoiler") is True  # re-rendered, still hidden
    await press(fake, ada, preview, "🎨 Paint it")
    await results(fake, 1)
    posted = [m for m in pictures(fake) if m["message_id"] != preview["message_id"]]
    assert len(posted) >= 5 and all(m.get("has_media_spoiler") for m in posted)


async def test_age_restricted_refuses_everywhere_on_telegram(harness) -> None:
    bot = await harness.start(Scores(FLAGGED), telegram_moderation="age-restricted", **LOOP_SETTINGS)
    fake = bot.fake
    fake.group(GROUP)
    await upload(fake, fake.user(ADA, "Ada"))
    await fake.wait_for(lambda: NOT_HERE in fake.texts(GROUP) or any(NOT_HERE in t for t in _edits(fake)))
    assert not pictures(fake)


async def test_refuse_says_so_in_one_line(harness) -> None:
    bot = await harness.start(Scores(FLAGGED), telegram_moderation="refuse", preview_first=False)
    fake = bot.fake
    fake.group(GROUP)
    await upload(fake, fake.user(ADA, "Ada"))
    await fake.wait_for(lambda: any(REFUSED == t for t in _edits(fake)))
    assert not pictures(fake) and (await bot.service.queue_status()).queued == 0


async def test_off_posts_flagged_pictures_as_they_are_without_scoring(harness) -> None:
    scores = Scores(FLAGGED)
    bot = await harness.start(scores, telegram_moderation="off", **LOOP_SETTINGS)
    fake = bot.fake
    fake.group(GROUP)
    ada = fake.user(ADA, "Ada")
    await upload(fake, ada)
    preview = await preview_of(fake)
    await press(fake, ada, preview, "🎨 Paint it")
    await results(fake, 1)
    assert not any(m.get("has_media_spoiler") for m in pictures(fake)) and scores.calls == 0


async def test_a_one_shot_result_is_checked_on_its_own(harness) -> None:
    scores = Scores(0.0)  # the uploads pass; the result does not
    bot = await harness.start(scores, telegram_moderation="refuse", preview_first=False)
    fake = bot.fake
    fake.group(GROUP)
    await upload(fake, fake.user(ADA, "Ada"))
    await fake.wait_for(lambda: bot.events.events)  # queued: the uploads were judged
    scores.value = FLAGGED
    [job] = {event.job.job_id for event in bot.events.events}
    await fake.wait_for(lambda: f"Job {job}: {REFUSED}" in _edits(fake))
    assert not pictures(fake)


async def test_an_admin_sets_the_chats_policy_with_defaults(harness) -> None:
    bot = await harness.start(Scores(FLAGGED), **LOOP_SETTINGS)
    fake = bot.fake
    fake.group(GROUP, admins=(ADMIN,))
    fake.send_text(GROUP, fake.user(ADA, "Ada"), "/defaults set moderation refuse")
    await fake.wait_for(lambda: any("Only admins" in t for t in fake.texts(GROUP)))
    fake.send_text(GROUP, fake.user(ADMIN, "Admin"), "/defaults set moderation refuse")
    await fake.wait_for(lambda: any("moderation = refuse" in t for t in fake.texts(GROUP)))
    await upload(fake, fake.user(ADA, "Ada"))
    await fake.wait_for(lambda: REFUSED in _edits(fake))
    assert not pictures(fake)


def _edits(fake: FakeTelegram) -> list[str]:
    """Every text the bot's messages in the group showed, edits included."""
    return [text for (chat, _), texts in fake.edits.items() if chat == GROUP for text in texts] + fake.texts(GROUP)


async def test_stats_count_jobs_times_and_refused_pictures_across_a_restart(harness) -> None:
    scores = Scores(0.0)
    first = await harness.start(scores, telegram_moderation="refuse", **LOOP_SETTINGS)
    fake = first.fake
    fake.group(GROUP, admins=(ADMIN,))
    ada = fake.user(ADA, "Ada")
    await upload(fake, ada)
    await press(fake, ada, await preview_of(fake), "🎨 Paint it")
    await results(fake, 1)
    scores.value = FLAGGED
    await upload(fake, ada)
    await fake.wait_for(lambda: REFUSED in _edits(fake))
    await first.stop()
    await harness.start(scores, telegram_moderation="refuse", **LOOP_SETTINGS)
    fake.send_text(GROUP, ada, "/stats")
    await fake.wait_for(lambda: "Only admins of this chat can see its statistics." in fake.texts(GROUP))
    fake.send_text(GROUP, fake.user(ADMIN, "Admin"), "/stats")
    stats = await fake.wait_for(lambda: next((t for t in fake.texts(GROUP) if t.startswith("Queue now")), None))
    assert re.fullmatch(
        r"Queue now \(whole bot\): 0 waiting, 0 running\.\nHere, last 24 hours: 1 job\(s\), 1 done, 0 failed; "
        r"median time \d+ s; 1 picture\(s\) refused by the picture check\.",
        stats,
    )
