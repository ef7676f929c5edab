"""No secret in any log: whole runs of the bot (success and failures) with every log line captured.

Each test captures everything logged at DEBUG, from every logger, through the filter that
`painterly-bot` installs, and fails if any secret the settings hold appears in the text.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr

import bot.main
import bot.telegram
from bot.core import log_redaction
from bot.telegram import TelegramFrontEnd
from harmonize.cutout import CutoutError
from harmonize.cutout.removebg import RemoveBgBackend
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.services import ENGINE, make_settings

DISCORD_TOKEN = "MTA5ODc2NTQzMjEw.discord-secret.token"
REMOVE_BG_KEY = "rbg-secret-key-4242"
REDIS_PASSWORD = "p@ss/word:42"  # written percent-encoded in the URL
REDIS_URL = "redis://:p%40ss%2Fword%3A42@127.0.0.1:1/0"  # nothing listens on port 1
WRONG_TOKEN = "999999:wrong-secret-token"


def every_form(secret: str) -> list[str]:
    """A secret as it may be written: plain, and percent-encoded as in a URL."""
    from urllib.parse import quote

    return [secret, quote(secret, safe="")]


SECRETS = [
    TOKEN,
    WRONG_TOKEN,
    DISCORD_TOKEN,
    REMOVE_BG_KEY,
    REDIS_PASSWORD,
    "p%40ss%2Fword%3A42",
]


class Captured:
    """Everything logged while installed, as one text."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def assert_no_secret(self) -> None:
        leaks = [form for secret in SECRETS for form in every_form(secret) if form in self.text]
        assert not leaks, f"secrets in the log: {leaks}\n{self.text[-3000:]}"


@pytest.fixture
def captured() -> Iterator[Captured]:
    """A DEBUG handler on the root logger (the filter goes on it as on the bot's own handler)."""
    root = logging.getLogger()
    capture = Captured()
    handler = logging.StreamHandler(capture.stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    levels = {name: logging.getLogger(name).level for name in log_redaction.CHATTY_LOGGERS}
    yield capture
    root.removeHandler(handler)
    root.setLevel(old_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for each in root.handlers:
        for installed in [f for f in each.filters if isinstance(f, log_redaction.SecretRedactor)]:
            each.removeFilter(installed)


def install_for(settings) -> None:
    """What painterly-bot does at start, then httpx back to DEBUG: the filter must cope alone."""
    log_redaction.install(log_redaction.settings_secrets(settings))
    for name in log_redaction.CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def secret_settings(tmp_path: Path, **overrides):
    """Test settings holding every kind of secret."""
    values = {
        "discord_token": None,
        "telegram_token": SecretStr(TOKEN),
        "remove_bg_api_key": SecretStr(REMOVE_BG_KEY),
        "redis_url": SecretStr(REDIS_URL),
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


def test_the_filter_redacts_every_form_from_any_logger(captured) -> None:
    settings = secret_settings(tmp_path=Path("."), discord_token=SecretStr(DISCORD_TOKEN))
    log_redaction.install(log_redaction.settings_secrets(settings))
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    logging.getLogger("somewhere.else").error(f"key={REMOVE_BG_KEY} url={REDIS_URL}")
    logging.getLogger("discord.http").error("token %r refused", DISCORD_TOKEN)
    try:
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
        except ConnectionError as error:
            raise RuntimeError("polling failed", {"password": REDIS_PASSWORD}) from error
    except RuntimeError:
        logging.getLogger("telegram.ext").exception("update loop crashed")
    captured.assert_no_secret()
    assert captured.text.count(log_redaction.REDACTED) >= 6
    assert "polling failed" in captured.text and "ConnectionError" in captured.text


def test_settings_secrets_lists_both_tokens_the_key_and_the_redis_password(
    tmp_path,
) -> None:
    settings = secret_settings(tmp_path, discord_token=SecretStr(DISCORD_TOKEN))
    found = log_redaction.settings_secrets(settings)
    assert {TOKEN, DISCORD_TOKEN, REMOVE_BG_KEY, REDIS_PASSWORD} <= set(found)
    assert log_redaction.settings_secrets(make_settings(tmp_path)) == []


@pytest.fixture
async def telegram(monkeypatch) -> FakeTelegram:
    """The fake Bot API; painterly-bot's Telegram front end pointed at it."""
    fake = FakeTelegram()
    api_root = await fake.start()

    def create_front_end(service, settings, chat_loop):
        return TelegramFrontEnd(
            service,
            settings,
            chat_loop,
            api_root=api_root,
            status_interval_s=0.2,
            album_wait_s=0.3,
        )

    monkeypatch.setattr(bot.telegram, "create_front_end", create_front_end)
    yield fake
    await fake.close()


async def test_a_whole_run_that_serves_a_user_logs_no_secret(tmp_path, telegram, captured) -> None:
    settings = secret_settings(tmp_path)
    install_for(settings)
    stop = asyncio.Event()
    serving = asyncio.create_task(bot.main.serve(settings, stop))
    ada = telegram.user(1001)
    await telegram.wait_for(lambda: telegram.calls_to("setMyCommands"))
    telegram.send_text(1001, ada, "/help")
    await telegram.wait_for(lambda: telegram.texts(1001))
    stop.set()
    assert await asyncio.wait_for(serving, 60) == 0
    assert "getUpdates" in captured.text  # httpx's request lines were logged, redacted
    captured.assert_no_secret()


async def test_a_wrong_token_stops_the_bot_non_zero_and_logs_no_secret(tmp_path, telegram, captured) -> None:
    settings = secret_settings(tmp_path, telegram_token=SecretStr(WRONG_TOKEN))
    install_for(settings)
    status = await asyncio.wait_for(bot.main.serve(settings, asyncio.Event()), 60)
    assert status == bot.main.EXIT_FAILED
    assert "TelegramFrontEnd stopped" in captured.text
    captured.assert_no_secret()


async def test_a_network_error_stops_the_bot_non_zero_and_logs_no_secret(tmp_path, monkeypatch, captured) -> None:
    def unreachable(service, settings, chat_loop):
        return TelegramFrontEnd(service, settings, chat_loop, api_root="http://127.0.0.1:1")

    monkeypatch.setattr(bot.telegram, "create_front_end", unreachable)
    settings = secret_settings(tmp_path)
    install_for(settings)
    status = await asyncio.wait_for(bot.main.serve(settings, asyncio.Event()), 120)
    assert status == bot.main.EXIT_FAILED
    captured.assert_no_secret()


def test_an_unreachable_redis_with_a_password_logs_no_secret(tmp_path, monkeypatch, captured) -> None:
    pytest.importorskip("arq")
    monkeypatch.chdir(tmp_path)  # no .env here
    for key, value in {
        "PAINTERLY_QUEUE_BACKEND": "redis",
        "PAINTERLY_REDIS_URL": REDIS_URL,
        "PAINTERLY_DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "PAINTERLY_STORAGE_DIR": str(tmp_path / "files"),
        "PAINTERLY_ENGINE": f"{ENGINE}:sleepy",
        "REMOVE_BG_API_KEY": REMOVE_BG_KEY,
        "PAINTERLY_TELEGRAM_TOKEN": TOKEN,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PAINTERLY_DISCORD_TOKEN", raising=False)
    with pytest.raises(SystemExit) as stopped:
        bot.main.main(["--serve"])
    assert stopped.value.code == bot.main.EXIT_FAILED
    assert "Redis" in captured.text
    captured.assert_no_secret()


async def test_a_remove_bg_failure_logs_no_secret(captured, tmp_path) -> None:
    settings = secret_settings(tmp_path)
    install_for(settings)
    backend = RemoveBgBackend(api_key=REMOVE_BG_KEY, url="http://127.0.0.1:1/v1.0/removebg")
    photo = np.full((64, 64, 3), 128, np.uint8)
    with pytest.raises(CutoutError) as failed:
        await asyncio.to_thread(backend.matte, photo, None)
    logging.getLogger("bot.core.running.worker_process").error(
        "job failed: %s (key %s)", failed.value, REMOVE_BG_KEY, exc_info=failed.value
    )
    assert "remove.bg" in captured.text
    captured.assert_no_secret()
