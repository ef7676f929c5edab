"""End to end: users talk to the real PTB client through the fake Bot API; the core runs jobs."""

from __future__ import annotations

import io

from PIL import Image

from bot.core import JobDone, JobProgress, JobStatus, Requester
from tests.support.fake_telegram import BOT_USER, FakeTelegram
from tests.support.telegram_harness import picture


def _png(data: bytes) -> bool:
    return Image.open(io.BytesIO(data)).format == "PNG"


async def harmonize_album(fake: FakeTelegram, user_id: int, caption: str) -> None:
    """A user sends `caption` with a two-picture album in their private chat; waits until the job is done."""
    user = fake.user(user_id)
    fake.send_photo(user_id, user, picture("JPEG", (48, 36)), caption=caption, media_group_id=f"album-{user_id}")
    fake.send_photo(user_id, user, picture("JPEG", (36, 36)), media_group_id=f"album-{user_id}")
    await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(user_id)))


async def test_private_chat_from_harmonize_to_an_album_of_three_and_the_side_by_side(harness, monkeypatch):
    bot = await harness.start()
    fake, service = bot.fake, bot.service
    submitted = []
    real_submit = service.submit

    async def spy(requester, painting, object_image, options=None, context=""):
        submitted.append((requester, painting, object_image, options))
        return await real_submit(requester, painting, object_image, options, context)

    monkeypatch.setattr(service, "submit", spy)
    ada = fake.user(1001)
    fake.send_text(1001, ada, "/harmonize x=0.4 y=0.6 height=0.3 strength=5 quality=short")
    await fake.wait_for(lambda: any(t.startswith("Send the painting") for t in fake.texts(1001)))
    painting = picture("JPEG", (48, 36))
    fake.send_photo(1001, ada, painting)
    await fake.wait_for(lambda: any("photo of the object" in t for t in fake.texts(1001)))
    cat = picture("PNG", (40, 40), (10, 200, 10))
    sent = fake.send_document(1001, ada, cat, "cat.png", "image/png")

    await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(1001)))
    requester, got_painting, got_object, options = submitted[0]
    assert requester == Requester("telegram", "1001", "1001")
    assert got_painting == painting and got_object == cat  # the full-size photo, not its thumbnail
    assert (options.x, options.y, options.height, options.tau, options.quality) == (0.4, 0.6, 0.3, 5.0, "short")
    [group] = fake.calls_to("sendMediaGroup")
    assert [m["type"] for m in group.params["media"]] == ["photo"] * 3
    assert [m["caption"].split()[0] for m in group.params["media"]] == ["Pass", "Pass", "Before:"]
    for item in group.params["media"]:
        assert _png(group.files[item["media"].removeprefix("attach://")].data)
    assert group.params["reply_parameters"]["message_id"] == sent["message_id"]
    [compare] = fake.calls_to("sendPhoto")
    assert _png(compare.files["photo"].data) and "Side by side" in compare.params["caption"]
    assert fake.calls.index(compare) > fake.calls.index(group)

    [job] = await service.list_jobs(requester)
    assert job.status == JobStatus.DONE and job.quality == "short"
    status = next(m for m in fake.bot_messages(1001) if m.get("text", "").startswith(f"Job {job.job_id}: done"))
    edits = fake.edits[(1001, status["message_id"])]
    progress = bot.events.of(job.job_id, JobProgress)
    assert len(progress) > len(edits), "status edits were not coalesced"
    assert all(a != b for a, b in zip(edits, edits[1:], strict=False))
    assert not fake.calls_to("editMessageText", ok=False)
    assert "reply_markup" not in status  # the Cancel button goes when the job ends


async def test_group_album_with_options_from_the_inline_keyboard(harness):
    bot = await harness.start()
    fake = bot.fake
    group = fake.group(-5001)["id"]
    ada, bob = fake.user(2001, "Ada"), fake.user(2002, "Bob")
    command = fake.send_text(group, ada, f"/harmonize@{BOT_USER['username']}")
    prompt = await fake.wait_for(lambda: next((m for m in fake.bot_messages(group) if "reply_markup" in m), None))
    assert prompt["reply_to_message"]["message_id"] == command["message_id"]
    assert prompt["text"].startswith("Reply to this message with the painting")

    def button(label: str) -> str:
        rows = fake.messages[(group, prompt["message_id"])]["reply_markup"]["inline_keyboard"]
        return next(b["callback_data"] for row in rows for b in row if b["text"].removeprefix("✓ ") == label)

    def prompt_text() -> str:
        return fake.messages[(group, prompt["message_id"])]["text"]

    def answered(query_id: str) -> bool:
        return fake.callback_queries[query_id]["answered"]

    intruder = fake.press(bob, prompt, button("short"))
    await fake.wait_for(lambda: answered(intruder))
    assert fake.callback_queries[intruder]["show_alert"]
    queries = [fake.press(ada, prompt, button("instant"))]  # the default: nothing changes
    await fake.wait_for(lambda: answered(queries[0]))
    assert fake.callback_queries[queries[0]]["text"] == "Already chosen."
    queries.append(fake.press(ada, prompt, button("short")))
    await fake.wait_for(lambda: "quality short" in prompt_text())
    queries.append(fake.press(ada, prompt, button("strength auto")))
    await fake.wait_for(lambda: "strength auto" in prompt_text())
    queries.append(fake.press(ada, prompt, button("strength auto")))
    await fake.wait_for(lambda: answered(queries[-1]))
    assert fake.callback_queries[queries[-1]]["text"] == "Already chosen."

    fake.send_photo(group, bob, picture())  # Bob has no request going: ignored
    fake.send_photo(group, ada, picture("JPEG", (48, 36)), media_group_id="album1", reply_to=prompt["message_id"])
    last = fake.send_photo(
        group, ada, picture("JPEG", (36, 36)), media_group_id="album1", reply_to=prompt["message_id"]
    )
    await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(group)))
    [job] = await bot.service.list_jobs(Requester("telegram", "2001", str(group)))
    assert job.quality == "short"
    [album] = fake.calls_to("sendMediaGroup")
    assert album.params["chat_id"] == group
    assert album.params["reply_parameters"]["message_id"] == last["message_id"]
    assert all(q["answered"] for q in fake.callback_queries.values())
    replies_to_bob = [
        m for m in fake.bot_messages(group) if m.get("reply_to_message", {}).get("from", {}).get("id") == bob["id"]
    ]
    assert not replies_to_bob


async def test_album_with_the_command_as_caption_needs_no_prompt_and_extra_images_are_noted(harness):
    bot = await harness.start()
    fake = bot.fake
    ada = fake.user(3001)
    fake.send_photo(3001, ada, picture("JPEG", (48, 36)), caption="/harmonize quality=instant", media_group_id="album2")
    for size in ((36, 36), (38, 38)):
        fake.send_photo(3001, ada, picture("JPEG", size), media_group_id="album2")
    await fake.wait_for(lambda: any(" done in " in t for t in fake.texts(3001)))
    texts = fake.texts(3001)
    assert not [t for t in texts if "Send the" in t]
    assert any("I took the first two" in t for t in texts)
    assert len(fake.calls_to("sendMediaGroup")) == 1


async def test_results_reach_the_chat_after_a_restart_mid_job(harness):
    first = await harness.start()
    fake = first.fake
    ada = fake.user(4001)
    fake.send_text(4001, ada, "/harmonize quality=medium")
    await fake.wait_for(lambda: fake.texts(4001))
    fake.send_photo(4001, ada, picture("JPEG", (48, 36)))
    await fake.wait_for(lambda: any("photo of the object" in t for t in fake.texts(4001)))
    sent = fake.send_photo(4001, ada, picture("JPEG", (36, 36)))
    await fake.wait_for(lambda: any("Pass 1" in t for t in fake.texts(4001)))
    await first.stop()

    second = await harness.start()
    done = await second.events.wait_for(lambda e: isinstance(e, JobDone))
    job_id = done.job.job_id
    await fake.wait_for(lambda: any(t.startswith(f"Job {job_id}: done") for t in fake.texts(4001)))
    [album] = fake.calls_to("sendMediaGroup")
    assert album.params["reply_parameters"]["message_id"] == sent["message_id"]
    statuses = [t for t in fake.texts(4001) if t.startswith("Job ")]
    assert len(statuses) == 1  # the same status message, edited by the new process


async def test_pictures_telegram_refuses_as_photos_are_sent_as_files(harness):
    bot = await harness.start(engine="tests.support.wide_engine:wide")
    fake = bot.fake
    await harmonize_album(fake, 9001, "/harmonize")
    [album] = fake.calls_to("sendMediaGroup")
    # four (the wide final differs from pass 2), all files: albums can't mix photos and files
    assert [m["type"] for m in album.params["media"]] == ["document"] * 4
    [compare] = fake.calls_to("sendDocument")
    assert Image.open(io.BytesIO(compare.files["document"].data)).size == (2100, 100)
    assert not fake.calls_to("sendPhoto", ok=None)


async def test_a_post_processed_job_sends_pass_2_and_the_final_apart(harness):
    bot = await harness.start()
    fake = bot.fake
    await harmonize_album(fake, 5001, "/harmonize quality=polished")
    [album] = fake.calls_to("sendMediaGroup")
    media = album.params["media"]
    assert [m["caption"].split()[0] for m in media] == ["Pass", "Pass", "Final:", "Before:"]
    pass2, final = (album.files[m["media"].removeprefix("attach://")].data for m in media[1:3])
    assert pass2 != final
