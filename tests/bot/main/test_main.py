"""The `painterly-bot` entry point: front-end contract, one chat loop, a missing front end, SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from pydantic import SecretStr

import bot.main
import bot.telegram
from bot.core import ChatLoop, HarmonizeService
from bot.discord import DiscordFrontEnd
from bot.telegram import TelegramFrontEnd
from tests.support import fake_front_end
from tests.support.bot_process import bot_environment
from tests.support.discord_world import point_discord_py_at, settings_for
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.services import make_service, make_settings


async def test_front_ends_are_built_before_start_and_cancelled_at_stop(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bot.main, "FRONT_ENDS", {"discord_token": fake_front_end.__name__})
    settings = make_settings(tmp_path, discord_token=SecretStr("x"))
    stop = asyncio.Event()
    serving = asyncio.create_task(bot.main.serve(settings, stop))
    deadline = time.monotonic() + HANG_GUARD_S
    while not (fake_front_end.created and fake_front_end.created[-1].done.is_set()):
        assert time.monotonic() < deadline and not serving.done(), "no job done"
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(serving, HANG_GUARD_S)
    assert fake_front_end.created[-1].cancelled


async def test_both_front_ends_share_the_one_chat_loop_that_main_starts_and_stops(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both tokens set: one ChatLoop (one renderer, one session store, one janitor), handed to
    both front ends, started once after the core and stopped once before it."""
    built: list[ChatLoop] = []
    steps: list[str] = []
    init, start, stop_loop = ChatLoop.__init__, ChatLoop.start, ChatLoop.stop
    service_start, service_stop = HarmonizeService.start, HarmonizeService.stop

    def counted_init(self: ChatLoop, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        init(self, *args, **kwargs)

    def step(name: str, method: Any) -> Any:
        async def counted(self: Any) -> None:
            steps.append(name)
            await method(self)

        return counted

    monkeypatch.setattr(ChatLoop, "__init__", counted_init)
    monkeypatch.setattr(ChatLoop, "start", step("loop start", start))
    monkeypatch.setattr(ChatLoop, "stop", step("loop stop", stop_loop))
    monkeypatch.setattr(HarmonizeService, "start", step("core start", service_start))
    monkeypatch.setattr(HarmonizeService, "stop", step("core stop", service_stop))
    front_ends: list[Any] = []
    create_front_ends = bot.main.create_front_ends

    def recorded(*args: Any) -> list[Any]:
        front_ends.extend(create_front_ends(*args))
        return front_ends

    monkeypatch.setattr(bot.main, "create_front_ends", recorded)
    discord = FakeDiscord()
    await discord.start()
    telegram = FakeTelegram()
    api_root = await telegram.start()
    try:
        discord.add_guild()
        point_discord_py_at(discord, monkeypatch)
        monkeypatch.setattr(bot.telegram, "create_front_end", lambda *args: TelegramFrontEnd(*args, api_root=api_root))
        stop = asyncio.Event()
        settings = settings_for(tmp_path, telegram_token=SecretStr(TELEGRAM_TOKEN))
        serving = asyncio.create_task(bot.main.serve(settings, stop))
        await asyncio.wait_for(discord.ready.wait(), HANG_GUARD_S)
        await telegram.wait_for(lambda: telegram.calls_to("setMyCommands"))
        stop.set()
        assert await asyncio.wait_for(serving, HANG_GUARD_S) == 0
    finally:
        await telegram.close()
        await discord.close()
    [discord_front_end, telegram_front_end] = front_ends
    assert isinstance(discord_front_end, DiscordFrontEnd) and isinstance(telegram_front_end, TelegramFrontEnd)
    assert len(built) == 1, f"{len(built)} chat loops built"
    assert discord_front_end.bot.discord_loop.chat_loop is built[0]
    assert telegram_front_end.telegram_loop.chat_loop is built[0]
    assert steps == ["core start", "loop start", "loop stop", "core stop"]


def test_a_token_without_its_front_end_stops_with_a_clear_message(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bot.main, "FRONT_ENDS", {"telegram_token": "bot.no_such_front_end"})
    settings = make_settings(tmp_path, telegram_token=SecretStr("x"))
    service = make_service(settings)
    with pytest.raises(SystemExit, match="PAINTERLY_TELEGRAM_TOKEN is set but"):
        bot.main.create_front_ends(service, settings, ChatLoop(service))


def test_painterly_bot_stops_cleanly_on_sigterm(tmp_path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.main", "--serve"],
        env=bot_environment(tmp_path),
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "painterly core started" in line:
                break
        else:
            pytest.fail("the bot exited before starting:\n" + "".join(lines))
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=HANG_GUARD_S)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0, rest
    assert "no front end configured" in "".join(lines) and "bye" in rest


def test_no_token_runs_the_offline_demo(tmp_path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(bot.main, "run_offline_demo", calls.append)
    for key in ("PAINTERLY_DISCORD_TOKEN", "PAINTERLY_TELEGRAM_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    bot.main.main(["--demo-out", str(tmp_path / "demo")])
    assert calls == [tmp_path / "demo"]
