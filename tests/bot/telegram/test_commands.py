"""/help, /queue, /cancel and its button, /limits with chat admins and owners, /deletemydata."""

from __future__ import annotations

from bot.core import JobStarted, Requester
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import picture

GROUP, ADA, BOB, CAROL, OWNER = -7001, 8001, 8002, 8003, 8009  # Carol administers the group


def said_in_group(fake: FakeTelegram, text: str) -> bool:
    """True once a message in the test group starts with `text`."""
    return any(t.startswith(text) for t in fake.texts(GROUP))


async def _start_long_job(fake, events, user: dict, album: str) -> tuple[str, dict]:
    """An album with "/harmonize quality=long" in the group; (job id, its status message)."""
    fake.send_photo(GROUP, user, picture("JPEG", (48, 36)), caption="/harmonize quality=long", media_group_id=album)
    fake.send_photo(GROUP, user, picture("JPEG", (36, 36)), media_group_id=album)
    seen = {e.job.job_id for e in events.events}
    started = await events.wait_for(lambda e: isinstance(e, JobStarted) and e.job.job_id not in seen)
    job_id = started.job.job_id
    status = await fake.wait_for(
        lambda: next(
            (
                m
                for m in fake.bot_messages(GROUP)
                if m.get("text", "").startswith(f"Job {job_id}: ") and "reply_markup" in m
            ),
            None,
        )
    )
    return job_id, status


async def test_help_queue_cancel_and_delete_my_data(harness):
    bot = await harness.start()
    fake, service = bot.fake, bot.service
    fake.group(GROUP, admins=(CAROL,))
    ada, bob, carol = fake.user(ADA, "Ada"), fake.user(BOB, "Bob"), fake.user(CAROL, "Carol")

    fake.send_text(ADA, ada, "/help")
    help_text = await fake.wait_for(lambda: next(iter(fake.texts(ADA)), None))
    assert "/harmonize x=0.5 y=0.6 height=0.3 strength=5" in help_text
    assert "as files (documents) to keep their full resolution" in help_text

    job_id, status = await _start_long_job(fake, bot.events, ada, "first")
    fake.send_text(GROUP, ada, "/queue")
    queue = await fake.wait_for(lambda: next((t for t in fake.texts(GROUP) if t.startswith("Queue:")), None))
    assert "1 running" in queue and f"{job_id}: running (long)" in queue

    cancel_button = status["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    refused = fake.press(bob, status, cancel_button)
    await fake.wait_for(lambda: fake.callback_queries[refused]["answered"])
    assert fake.callback_queries[refused]["text"].startswith("Only the person who started")
    allowed = fake.press(carol, status, cancel_button)
    await fake.wait_for(lambda: fake.callback_queries[allowed]["answered"])
    assert fake.callback_queries[allowed]["text"] == "Cancelled."
    await fake.wait_for(lambda: f"Job {job_id}: cancelled by an admin." in fake.texts(GROUP))

    second, _ = await _start_long_job(fake, bot.events, ada, "second")
    fake.send_text(GROUP, ada, "/cancel")
    await fake.wait_for(lambda: f"Cancelled job(s) {second}." in fake.texts(GROUP))
    await fake.wait_for(lambda: f"Job {second}: cancelled." in fake.texts(GROUP))
    fake.send_text(GROUP, ada, "/cancel")
    await fake.wait_for(lambda: "You have nothing to cancel here." in fake.texts(GROUP))
    fake.send_text(GROUP, ada, "/cancel nosuchjob")
    await fake.wait_for(lambda: said_in_group(fake, "There is no job nosuchjob"))

    fake.send_text(GROUP, ada, "/deletemydata")
    await fake.wait_for(lambda: said_in_group(fake, "Deleted your 2 job(s)"))
    assert await service.list_jobs(Requester("telegram", str(ADA), str(GROUP))) == []


async def test_limits_are_shown_and_changed_by_chat_admins_and_owners_only(harness):
    bot = await harness.start(owners=[f"telegram:{OWNER}"])
    fake, service = bot.fake, bot.service
    fake.group(GROUP, admins=(CAROL,))
    bob, carol, owner = fake.user(BOB, "Bob"), fake.user(CAROL, "Carol"), fake.user(OWNER, "Olga")

    fake.send_text(GROUP, bob, "/limits")
    await fake.wait_for(lambda: said_in_group(fake, "Limits in this chat:\nuser_jobs_per_hour = 1000"))
    assert f"Your Telegram user id: {BOB}." in fake.texts(GROUP)[-1]
    fake.send_text(GROUP, bob, "/limits set user_jobs_per_hour 3")
    await fake.wait_for(lambda: said_in_group(fake, "Only admins of this chat can change its limits."))
    fake.send_text(GROUP, carol, "/limits set user_jobs_per_hour 3")
    await fake.wait_for(lambda: said_in_group(fake, "user_jobs_per_hour is now 3 in this chat."))
    fake.send_text(GROUP, carol, "/limits set user_jobs_per_hour 5000")
    await fake.wait_for(lambda: said_in_group(fake, "Chat admins can only lower limits"))
    fake.send_text(GROUP, carol, "/limits set queue_cap 7 global")
    await fake.wait_for(lambda: said_in_group(fake, "Only the bot's owners can change global limits."))
    fake.send_text(GROUP, carol, "/limits set user_jobs_per_hour many")
    await fake.wait_for(lambda: said_in_group(fake, "many is not a whole number"))
    fake.send_text(GROUP, owner, "/limits set queue_cap 7 global")
    await fake.wait_for(lambda: said_in_group(fake, "queue_cap is now 7 in every chat."))
    fake.send_text(GROUP, carol, "/limits")
    await fake.wait_for(lambda: said_in_group(fake, "Limits in this chat:\nuser_jobs_per_hour = 3 (global 1000)"))

    assert (await service.get_limits("telegram", str(GROUP))).user_jobs_per_hour == 3
    assert (await service.get_limits()).queue_cap == 7
    member_checks = fake.calls_to("getChatMember")
    assert {c.params["user_id"] for c in member_checks} >= {BOB, CAROL}
