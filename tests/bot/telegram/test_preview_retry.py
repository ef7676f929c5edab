"""A 5xx on the preview's sendPhoto (issue 25, item 7): tried once more, then the user is told in
one line; the status never stays at "Downloading your images…"."""

from __future__ import annotations

from typing import Any

import pytest

from bot.telegram import retry
from tests.bot.telegram.test_loop import GROUP, current
from tests.support.fake_telegram import FakeTelegram
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS

ADA = 7301
LIBRARY_WORDS = ("Parsing the server response", "Internal Server Error", "(500)")


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "PAUSE_S", 0.0)


async def _send_pictures(fake: FakeTelegram) -> dict[str, Any]:
    """/harmonize and both pictures in a group; the bot's status message."""
    fake.group(GROUP)
    ada = fake.user(ADA, "Ada")
    fake.send_text(GROUP, ada, "/harmonize x=0.3 y=0.5 height=0.4")
    prompt = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "Reply to this message" in m.get("text", "")), None)
    )
    fake.send_document(GROUP, ada, painting_bytes(), "painting.jpg", "image/jpeg", reply_to=prompt["message_id"])
    await fake.wait_for(lambda: "photo of the object" in current(fake, prompt)["text"])
    fake.send_document(GROUP, ada, cutout_bytes(), "cup.png", "image/png", reply_to=prompt["message_id"])
    return await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if m.get("text", "").startswith("Downloading")), None)
    )


async def test_one_500_on_the_preview_is_retried(harness) -> None:
    bot = await harness.start(**LOOP_SETTINGS)
    harness.errors_expected = True  # python-telegram-bot logs the body that is no JSON as an error
    fake = bot.fake
    fake.fail_next("sendPhoto", 500, "Internal Server Error", plain=True)
    status = await _send_pictures(fake)
    await fake.wait_for(lambda: "Here is the preview" in current(fake, status)["text"])
    assert [c.ok for c in fake.calls_to("sendPhoto", ok=None)] == [False, True]


async def test_two_500s_on_the_preview_tell_the_user_in_one_line(harness) -> None:
    bot = await harness.start(**LOOP_SETTINGS)
    harness.errors_expected = True  # python-telegram-bot logs the body that is no JSON as an error
    fake = bot.fake
    for _ in range(2):
        fake.fail_next("sendPhoto", 500, "Internal Server Error", plain=True)
    status = await _send_pictures(fake)
    told = await fake.wait_for(lambda: (text := current(fake, status)["text"]) != "Downloading your images…" and text)
    assert told == retry.TELEGRAM_DOWN and "\n" not in told
    assert not any(word in told for word in LIBRARY_WORDS)
    assert not list((harness.tmp_path / "files" / "loop-sessions").iterdir())  # the preview's session is dropped
