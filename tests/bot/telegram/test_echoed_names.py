"""A hostile file name echoed in a refusal on Telegram (here: too big) is neither a link nor a
mention, and no MIME type is named (issue 25, items 8 and 10)."""

from __future__ import annotations

from tests.bot.core.chat.test_shown_names import HOSTILE


async def test_a_refused_documents_name_is_shown_safely(harness) -> None:
    bot = await harness.start(max_image_bytes=1000)
    fake = bot.fake
    ada = fake.user(5301)
    fake.send_text(5301, ada, "/harmonize")
    await fake.wait_for(lambda: fake.texts(5301))
    fake.send_document(5301, ada, b"%PDF-1.4", HOSTILE, "application/pdf", declared_size=5000)
    refusal = await fake.wait_for(lambda: next((t for t in fake.texts(5301) if "accepts images up to" in t), None))
    assert "](" not in refusal and "@everyone" not in refusal and "://" not in refusal
    assert "application/pdf" not in refusal
