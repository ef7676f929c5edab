"""Error paths end to end: Telegram's size limits, non-images, the core's limits, HTTP 429."""

from __future__ import annotations

from tests.support.telegram_harness import picture


async def test_bad_uploads_are_refused_with_a_reason_and_the_core_rate_limit_is_shown(harness):
    bot = await harness.start(user_jobs_per_hour=1)
    fake = bot.fake
    ada = fake.user(5001)
    fake.send_text(5001, ada, "/harmonize quality=instant")
    await fake.wait_for(lambda: fake.texts(5001))

    def reply_to(message):
        return fake.wait_for(
            lambda: next(
                (
                    m["text"]
                    for m in fake.bot_messages(5001)
                    if m.get("reply_to_message", {}).get("message_id") == message["message_id"]
                ),
                None,
            )
        )

    huge = fake.send_document(5001, ada, picture(), "huge.png", "image/png", declared_size=25_000_000)
    assert "Telegram lets bots download at most 20.0 MB" in await reply_to(huge)
    big = fake.send_document(5001, ada, picture(), "big.png", "image/png", declared_size=12_000_000)
    assert "this bot accepts images up to 10.0 MB" in await reply_to(big)
    assert not fake.calls_to("getFile"), "files refused by their size must not be downloaded"

    fake.send_document(5001, ada, b"not a png at all", "fake.png", "image/png")
    await fake.wait_for(lambda: any("photo of the object" in t for t in fake.texts(5001)))
    fake.send_photo(5001, ada, picture("JPEG"))
    await fake.wait_for(lambda: any("The painting is not an image" in t for t in fake.texts(5001)))

    for attempt in range(2):
        fake.send_text(5001, ada, "/harmonize")
        await fake.wait_for(lambda: fake.texts(5001)[-1].startswith("Send the painting"))
        fake.send_photo(5001, ada, picture("JPEG", (48, 36)))
        await fake.wait_for(lambda: fake.texts(5001)[-1].startswith("Send the photo"))
        fake.send_photo(5001, ada, picture("JPEG", (36, 36)))
        if attempt == 0:
            await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(5001)))
    limited = await fake.wait_for(
        lambda: next((t for t in fake.texts(5001) if "limit of 1 job(s) per hour" in t), None)
    )
    assert "Try again in" in limited
    assert len(fake.calls_to("sendMediaGroup")) == 1


async def test_flood_control_429_is_waited_out_and_the_results_still_arrive(harness):
    bot = await harness.start()
    fake = bot.fake
    ada = fake.user(6001)
    fake.fail_next("sendMediaGroup", 429, retry_after=1)
    fake.send_photo(6001, ada, picture("JPEG", (48, 36)), caption="/harmonize", media_group_id="a")
    fake.send_photo(6001, ada, picture("JPEG", (36, 36)), media_group_id="a")
    await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(6001)))
    refused, accepted = fake.calls_to("sendMediaGroup", ok=None)
    assert (refused.ok, refused.error_code, accepted.ok) == (False, 429, True)
    assert accepted.at - refused.at >= 1.0  # retry_after was respected
    assert len(accepted.result) == 3


async def test_results_refused_by_telegram_are_reported_on_the_status(harness):
    bot = await harness.start()
    harness.errors_expected = True  # the front end logs the refusal as an error
    fake = bot.fake
    ada = fake.user(7001)
    fake.fail_next("sendMediaGroup", 400, "Bad Request: not enough rights to send photos to the chat")
    fake.send_photo(7001, ada, picture("JPEG", (48, 36)), caption="/harmonize", media_group_id="b")
    fake.send_photo(7001, ada, picture("JPEG", (36, 36)), media_group_id="b")
    failed = await fake.wait_for(
        lambda: next((t for t in fake.texts(7001) if "Telegram refused the pictures" in t), None)
    )
    assert failed.startswith("Job ") and "Not enough rights to send photos" in failed
    assert len(fake.calls_to("sendMediaGroup", ok=None)) == 1  # a 400 is not retried
    assert not fake.calls_to("sendPhoto", ok=None)
