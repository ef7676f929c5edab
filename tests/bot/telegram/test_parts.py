"""The Telegram front end's parts alone: options, keyboards, context, images, status edits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image
from pydantic import SecretStr
from telegram import Bot

import bot.main
from bot.core import ChatLoop, InvalidImage, InvalidOptions, JobOptions
from bot.telegram import TelegramFrontEnd
from bot.telegram.drafts import Draft, DraftBook
from bot.telegram.incoming_pictures import ImageRef, check_before_download, fits_as_photo
from bot.telegram.job_context import JobContext
from bot.telegram.loop_keyboards import parse_cancel_job
from bot.telegram.option_keyboard import (
    OptionPress,
    apply_press,
    options_keyboard,
    parse_option_press,
)
from bot.telegram.options import describe_options, parse_options
from bot.telegram.status import StatusMessage
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.fake_timer import FakeTimer, eventually
from tests.support.services import make_service, make_settings

QUALITIES = ["draft", "standard", "best"]


def test_options_parse_keys_aliases_and_bare_qualities() -> None:
    options = parse_options(["x=0.25", "y=1", "h=0.5", "strength=auto", "best"], QUALITIES)
    assert options == JobOptions(x=0.25, y=1.0, height=0.5, tau="auto", quality="best")
    assert parse_options(["tau=7.5", "quality=draft"], QUALITIES).tau == 7.5
    assert parse_options(["preset=draft"], QUALITIES).quality == "draft"  # the engine's word for it
    assert parse_options([], QUALITIES) == JobOptions()
    assert "strength 7.5" in describe_options(parse_options(["tau=7.5"], QUALITIES), "standard")


@pytest.mark.parametrize(
    "args, message",
    [
        (["x=1.5"], "x must be from 0 to 1"),
        (["height=0"], "height must be from 0.02 to 1"),
        (["strength=0"], "strength must be 'auto' or above 0"),
        (["strength=strong"], "not a number or 'auto'"),
        (["y=nan"], "y must be from 0 to 1"),
        (["quality=ultra"], "Unknown quality 'ultra'"),
        (["size=3"], "I don't understand 'size=3'"),
        (["x="], "I don't understand 'x='"),
    ],
)
def test_options_out_of_range_or_unknown_are_refused_with_a_reason(args, message) -> None:
    with pytest.raises(InvalidOptions, match=message):
        parse_options(args, QUALITIES)


def test_keyboard_data_fits_64_bytes_round_trips_and_marks_the_choice() -> None:
    user_id = 10**12  # Telegram user ids can exceed 2**32
    qualities = QUALITIES + ["a" * 60]  # too long for callback_data: left out
    markup = options_keyboard(user_id, JobOptions(tau=5.0), qualities, "standard")
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons)
    assert not any("a" * 60 in b.text for b in buttons)
    assert {b.text for b in buttons} >= {"✓ standard", "✓ 5", "✓ medium", "Cancel"}
    press = parse_option_press(next(b.callback_data for b in buttons if b.text == "best"))
    assert press == OptionPress(user_id, "q", "best")
    assert apply_press(JobOptions(), press, qualities).quality == "best"
    assert apply_press(JobOptions(), OptionPress(1, "s", "auto"), qualities).tau == "auto"
    assert apply_press(JobOptions(), OptionPress(1, "h", "0.5"), qualities).height == 0.5
    assert apply_press(JobOptions(), OptionPress(1, "h", "7"), qualities) == JobOptions()
    assert parse_option_press("o|abc|q|best") is None and parse_option_press("c|123") is None
    assert parse_cancel_job("c|ab12cd") == "ab12cd" and parse_cancel_job("c|../x") is None


def test_chat_context_round_trips_and_rejects_foreign_strings() -> None:
    where = JobContext(-100123, 5, 4, thread_id=9)
    assert JobContext.from_json(where.to_json()) == where
    assert JobContext.from_json(JobContext(1, 2, 3).to_json()) == JobContext(1, 2, 3)
    for text in ("", "channel=1", "[]", '{"chat_id": 1}'):
        assert JobContext.from_json(text) is None


def test_sizes_are_checked_before_download() -> None:
    def ref(size: int | None) -> ImageRef:
        return ImageRef("F", size, 1, "document", "x.png")

    check_before_download(ref(None), 10_000_000)
    check_before_download(ref(10_000_000), 10_000_000)
    with pytest.raises(InvalidImage, match="download at most 20.0 MB"):
        check_before_download(ref(20_000_001), 50_000_000)
    with pytest.raises(InvalidImage, match="accepts images up to 10.0 MB"):
        check_before_download(ref(10_000_001), 10_000_000)


@pytest.mark.parametrize(
    "size, fits", [((9000, 1000), True), ((9001, 1000), False), ((2100, 100), False), ((2000, 100), True)]
)
def test_sendphoto_dimension_limits(tmp_path: Path, size, fits) -> None:
    path = tmp_path / "image.png"
    Image.new("L", size).save(path)
    assert fits_as_photo(path) is fits


def test_drafts_are_per_chat_and_user_and_expire() -> None:
    book = DraftBook(ttl_s=60)
    book.put(Draft(1, 7, JobOptions()))
    book.put(Draft(2, 7, JobOptions()))
    book.put(Draft(1, 8, JobOptions()))
    assert book.get(1, 7) is not book.get(2, 7)
    assert book.drop_user(7) == 2 and book.get(1, 7) is None and book.get(1, 8) is not None
    book.get(1, 8).touched = time.monotonic() - 61
    assert book.get(1, 8) is None


@pytest.fixture
async def fake_bot():
    """A plain PTB Bot (no rate limiter) talking to the fake, and a message of its to edit."""
    fake = FakeTelegram()
    root = await fake.start()
    fake.user(42)
    bot = Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")
    async with bot:
        message = await bot.send_message(42, "starting")
        yield fake, bot, message.message_id
    await fake.close()


async def test_status_edits_only_changes_and_at_most_once_per_interval(fake_bot) -> None:
    fake, bot, message_id = fake_bot
    timer = FakeTimer()
    status = StatusMessage(bot, 42, message_id, interval_s=3.0, timer=timer)
    status.show("0 %")
    await eventually(lambda: status.text == "0 %")
    for percent in range(5, 101, 5):  # 20 updates within 2 s: inside the interval
        status.show(f"{percent} %")
        await timer.advance(0.1)
    assert fake.edits[(42, message_id)] == ["0 %"]
    await timer.advance(1.0)
    await eventually(lambda: status.text == "100 %")
    status.show("100 %")
    await status.finish("done")
    assert fake.edits[(42, message_id)] == ["0 %", "100 %", "done"]
    assert not fake.calls_to("editMessageText", ok=False)
    status.show("too late")
    await timer.advance(10.0)
    assert fake.edits[(42, message_id)][-1] == "done"


async def test_status_waits_out_retry_after_and_survives_not_modified(fake_bot) -> None:
    fake, bot, message_id = fake_bot
    fake.fail_next("editMessageText", 429, retry_after=30)
    timer = FakeTimer()
    status = StatusMessage(bot, 42, message_id, interval_s=0.1, timer=timer)
    finishing = status.finish("queued")
    await eventually(lambda: timer.sleeping)  # the editor waits out the 30 s on the timer
    await timer.advance(29.0)
    assert not finishing.done() and (42, message_id) not in fake.edits
    await timer.advance(1.0)
    await finishing
    assert fake.edits[(42, message_id)] == ["queued"]
    again = StatusMessage(bot, 42, message_id)  # e.g. after a restart: Telegram says "not modified"
    await again.finish("queued")
    assert again.text == "queued"
    assert fake.calls_to("editMessageText", ok=False)[-1].error_code == 400


def test_painterly_bot_builds_the_telegram_front_end_when_its_token_is_set(tmp_path) -> None:
    settings = make_settings(tmp_path, telegram_token=SecretStr(TOKEN))
    service = make_service(settings)
    [front_end] = bot.main.create_front_ends(service, settings, ChatLoop(service))
    assert isinstance(front_end, TelegramFrontEnd)
    assert front_end.application.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
    untokened = make_service(make_settings(tmp_path))
    with pytest.raises(ValueError, match="PAINTERLY_TELEGRAM_TOKEN is not set"):
        TelegramFrontEnd(untokened, make_settings(tmp_path), ChatLoop(untokened))
