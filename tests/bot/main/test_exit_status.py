"""`painterly-bot` exits non-zero when a front end fails, so that a supervisor restarts it."""

from __future__ import annotations

import asyncio

import bot.main
from tests.support.bot_process import bot_environment, run_bot
from tests.support.services import make_settings

SECRET_TOKEN = "123456:secret-token-of-the-exit-test"


class Failing:
    """A front end that cannot connect."""

    async def run(self) -> None:
        raise ConnectionError("the platform is unreachable")


class Serving:
    """A front end that serves until cancelled, and says whether it was."""

    cancelled = False

    async def run(self) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            Serving.cancelled = True


async def test_one_failing_front_end_stops_the_other_and_the_status_is_non_zero(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bot.main, "create_front_ends", lambda service, settings, chat_loop: [Serving(), Failing()])
    Serving.cancelled = False
    status = await asyncio.wait_for(bot.main.serve(make_settings(tmp_path), asyncio.Event()), 60)
    assert status == bot.main.EXIT_FAILED and Serving.cancelled


async def test_a_requested_stop_is_status_0(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bot.main, "create_front_ends", lambda service, settings, chat_loop: [Serving()])
    stop = asyncio.Event()
    serving = asyncio.create_task(bot.main.serve(make_settings(tmp_path), stop))
    await asyncio.sleep(0)
    stop.set()
    assert await asyncio.wait_for(serving, 60) == 0


def test_the_issue_case_telegram_without_network_exits_1_and_keeps_the_token_secret(
    tmp_path,
) -> None:
    """`PAINTERLY_TELEGRAM_TOKEN=... painterly-bot` with no way out to the network."""
    env = bot_environment(
        tmp_path,
        PAINTERLY_TELEGRAM_TOKEN=SECRET_TOKEN,
        HTTPS_PROXY="http://127.0.0.1:1",  # every HTTPS request fails at once: no network
        https_proxy="http://127.0.0.1:1",
        NO_PROXY="",
        no_proxy="",
    )
    done = run_bot(tmp_path, env, timeout=180)
    assert done.returncode == bot.main.EXIT_FAILED, done.stderr[-3000:]
    assert "TelegramFrontEnd stopped" in done.stderr
    assert SECRET_TOKEN not in done.stderr + done.stdout


def test_invalid_settings_exit_78_without_quoting_their_values(tmp_path) -> None:
    env = bot_environment(PAINTERLY_TELEGRAM_TOKEN=SECRET_TOKEN, PAINTERLY_WORKERS="-3")
    done = run_bot(tmp_path, env, timeout=120)
    assert done.returncode == bot.main.EXIT_BAD_SETTINGS, done.stderr
    assert "setting workers: Input should be greater than or equal to 1" in done.stderr
    assert SECRET_TOKEN not in done.stderr
