"""One press of a button makes at most one job on Telegram (issue 25, item 1): a burst of
presses on Paint it queues one job; every later press is answered with an alert
(answerCallbackQuery), never a new message in the group."""

from __future__ import annotations

from typing import Any

from tests.bot.telegram.test_loop import GROUP, current, keyboard_data
from tests.support.fake_telegram import FakeTelegram
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import LOOP_SETTINGS

ADA = 7201
BURST = 50


async def _preview(fake: FakeTelegram, ada: dict[str, Any]) -> dict[str, Any]:
    fake.send_text(GROUP, ada, "/harmonize x=0.3 y=0.5 height=0.4")
    prompt = await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "Reply to this message" in m.get("text", "")), None)
    )
    fake.send_document(GROUP, ada, painting_bytes(), "painting.jpg", "image/jpeg", reply_to=prompt["message_id"])
    await fake.wait_for(lambda: "photo of the object" in current(fake, prompt)["text"])
    fake.send_document(GROUP, ada, cutout_bytes(), "cup.png", "image/png", reply_to=prompt["message_id"])
    return await fake.wait_for(
        lambda: next((m for m in fake.bot_messages(GROUP) if "photo" in m and "reply_markup" in m), None)
    )


async def test_a_burst_of_paint_presses_makes_one_job_and_alerts(harness) -> None:
    bot = await harness.start(**LOOP_SETTINGS)
    fake = bot.fake
    fake.group(GROUP)
    ada = fake.user(ADA, "Ada")
    preview = await _preview(fake, ada)
    paint = keyboard_data(preview)["🎨 Paint it"]
    before = len(fake.bot_messages(GROUP))
    queries = [fake.press(ada, preview, paint) for _ in range(BURST)]
    await fake.wait_for(lambda: all(fake.callback_queries[q]["answered"] for q in queries))
    answers = [fake.callback_queries[q] for q in queries]
    alerts = [a for a in answers if a["show_alert"]]
    assert len(alerts) == BURST - 1 and all(a["text"].startswith("Already") for a in alerts)
    assert len(await bot.service.list_jobs(_requester())) == 1
    texts = [m for m in fake.bot_messages(GROUP)[before:] if "text" in m]
    assert len(texts) == 1  # the job's status message; the refusals were alerts


def _requester():
    from bot.core import Requester

    return Requester("telegram", str(ADA), str(GROUP))
