"""/block, /unblock and /audit on the fake Bot API: a blocked member's uploads and presses are
refused with one line, across a restart; non-admins are refused; admins read the changes."""

from __future__ import annotations

from bot.core.admin.blocks import ADMINS_ONLY, BLOCKED
from tests.bot.telegram.test_loop import GROUP, press
from tests.bot.telegram.test_moderation import preview_of, upload
from tests.support.fake_telegram import FakeTelegram
from tests.support.services import LOOP_SETTINGS

ADA, BOB, ADMIN = 7301, 7302, 7303


async def said(fake: FakeTelegram, text: str) -> str:
    """The first of the bot's texts in the group (edits included) that contains `text`."""

    def found() -> str | None:
        texts = [t for (chat, _), shown in fake.edits.items() if chat == GROUP for t in shown] + fake.texts(GROUP)
        return next((t for t in texts if text in t), None)

    return await fake.wait_for(found)


async def test_block_unblock_and_audit(harness) -> None:
    first = await harness.start(**LOOP_SETTINGS)
    fake = first.fake
    fake.group(GROUP, admins=(ADMIN,))
    ada, bob, admin = fake.user(ADA, "Ada"), fake.user(BOB, "Bob"), fake.user(ADMIN, "Admin")
    await upload(fake, ada)
    preview = await preview_of(fake)

    hello = fake.send_text(GROUP, ada, "hello")
    fake.send_text(GROUP, bob, "/block", reply_to=hello["message_id"])
    await said(fake, ADMINS_ONLY)
    fake.send_text(GROUP, admin, "/block", reply_to=hello["message_id"])
    await said(fake, f"User {ADA} can no longer use the bot in this chat")
    refused = await press(fake, ada, preview, "▶")
    assert refused["show_alert"] and refused["text"] == BLOCKED
    await upload(fake, ada)  # new pictures are refused too, before any preview
    await said(fake, BLOCKED)
    assert len([m for m in fake.bot_messages(GROUP) if "photo" in m]) == 1

    await first.stop()
    await harness.start(**LOOP_SETTINGS)  # a restart keeps the block
    refused = await press(fake, ada, preview, "▶")
    assert refused["show_alert"] and refused["text"] == BLOCKED
    fake.send_text(GROUP, bob, "/audit")
    await said(fake, "Only admins of this chat can read its audit log.")

    fake.send_text(GROUP, admin, f"/unblock {ADA}")
    await said(fake, f"User {ADA} may use the bot here again.")
    allowed = await press(fake, ada, preview, "▶")
    assert not allowed["show_alert"]
    fake.send_text(GROUP, admin, "/audit")
    audit = (await said(fake, "Last admin changes here")).splitlines()
    assert audit[1].endswith(f", user {ADMIN}: unblocked user {ADA}")
    assert audit[2].endswith(f", user {ADMIN}: blocked user {ADA}") and len(audit) == 3
