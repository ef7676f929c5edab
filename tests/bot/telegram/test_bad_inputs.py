"""The bad-input corpus on the Telegram stand-in (issue 25, item 8): each picture, sent as a file
with the MIME type its name suggests, gets the core's decision and one line in the user's words."""

from __future__ import annotations

import mimetypes

from tests.support.bad_inputs import CASES
from tests.support.telegram_harness import picture
from tests.support.wording import assert_no_library_text, assert_one_clear_line

CHAT = 5401


async def test_every_corpus_picture_gets_the_right_decision_in_one_line(harness) -> None:
    bot = await harness.start(user_jobs_per_hour=1000, queue_cap=1000)
    fake = bot.fake
    ada = fake.user(CHAT)
    wrong: dict[str, str] = {}
    for name, case in CASES.items():
        seen = len(fake.texts(CHAT))
        fake.send_text(CHAT, ada, "/harmonize quality=instant")
        await fake.wait_for(lambda seen=seen: len(fake.texts(CHAT)) > seen)
        mime = mimetypes.guess_type(case.filename)[0] or "application/octet-stream"
        fake.send_document(CHAT, ada, case.make(), case.filename, mime)
        await fake.wait_for(lambda: fake.texts(CHAT)[-1].startswith(("Send the photo", "The painting")))
        if fake.texts(CHAT)[-1].startswith("Send the photo"):
            fake.send_photo(CHAT, ada, picture("JPEG", (48, 36)))
        answer = await fake.wait_for(lambda seen=seen: _answer(fake.texts(CHAT)[seen:]))
        refused = answer.startswith("The painting")
        if refused != (case.reason is not None):
            wrong[name] = answer
        elif refused:
            assert_one_clear_line(answer)
            assert_no_library_text(answer)
    assert not wrong, wrong


def _answer(texts: list[str]) -> str | None:
    """The refusal, or the line that says the job is queued, among the bot's new messages."""
    return next((t for t in texts if t.startswith(("The painting", "Job "))), None)
