"""The `painterly-bot` entry point: front-end contract, a missing front end, SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import pytest
from pydantic import SecretStr

import bot.main
from tests.support import fake_front_end
from tests.support.bot_process import bot_environment
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


def test_a_token_without_its_front_end_stops_with_a_clear_message(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bot.main, "FRONT_ENDS", {"telegram_token": "bot.no_such_front_end"})
    settings = make_settings(tmp_path, telegram_token=SecretStr("x"))
    with pytest.raises(SystemExit, match="PAINTERLY_TELEGRAM_TOKEN is set but"):
        bot.main.create_front_ends(make_service(settings), settings)


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
