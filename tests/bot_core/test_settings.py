"""Settings: read from the environment, secrets hidden, every key documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core.jobs import JobRef, JobStatus
from bot.core.service import _engine_request
from bot.core.settings import BotSettings
from bot.core.store import JobRow

ENV_EXAMPLE = Path(__file__).parents[2] / ".env.example"


def env_name(field: str) -> str:
    return "REMOVE_BG_API_KEY" if field == "remove_bg_api_key" else f"PAINTERLY_{field.upper()}"


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    text = ENV_EXAMPLE.read_text()
    documented = set(re.findall(r"^# ((?:PAINTERLY_)?[A-Z_]+)=", text, flags=re.M))
    assert documented == {env_name(f) for f in BotSettings.model_fields}


def test_env_example_defaults_are_the_real_defaults(monkeypatch) -> None:
    for field in BotSettings.model_fields:
        monkeypatch.delenv(env_name(field), raising=False)
    defaults = BotSettings(_env_file=None).model_dump()
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^# (PAINTERLY_[A-Z_]+)=(.+)$", line)
        if match and match.group(1) != "PAINTERLY_OWNERS":  # its example is not the default
            monkeypatch.setenv(*match.groups())
    assert BotSettings(_env_file=None).model_dump() == defaults


def test_tokens_never_show_in_reprs_or_logs(monkeypatch) -> None:
    monkeypatch.setenv("PAINTERLY_DISCORD_TOKEN", "discord-secret-123")
    monkeypatch.setenv("REMOVE_BG_API_KEY", "removebg-secret-456")
    settings = BotSettings(_env_file=None)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "discord-secret-123"
    assert settings.remove_bg_api_key is not None
    for text in (repr(settings), str(settings), f"{settings.model_dump()}"):
        assert "secret-123" not in text and "secret-456" not in text


def test_owners_presets_and_limits_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PAINTERLY_OWNERS", "discord:1, telegram:2")
    monkeypatch.setenv("PAINTERLY_PRESETS", '{"tiny": {"size": 64, "iters1": 3, "iters2": 3,'
                                            ' "post": false}}')
    monkeypatch.setenv("PAINTERLY_DEFAULT_PRESET", "tiny")
    monkeypatch.setenv("PAINTERLY_USER_JOBS_PER_DAY", "7")
    settings = BotSettings(_env_file=None)
    assert settings.owners == ["discord:1", "telegram:2"]
    assert settings.presets["tiny"].post is False
    assert settings.default_limits().user_jobs_per_day == 7


@pytest.mark.parametrize("key, value, word", [
    ("PAINTERLY_OWNERS", "1234", "PLATFORM:USER_ID"),
    ("PAINTERLY_ENGINE", "bot.core.engine_job.run_engine", "MODULE:FUNCTION"),
    ("PAINTERLY_DEFAULT_PRESET", "ultra", "default_preset"),
    ("PAINTERLY_WORKERS", "0", "workers"),
])
def test_bad_settings_say_what_is_wrong(monkeypatch, key: str, value: str, word: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=word):
        BotSettings(_env_file=None)


def job_row(options: dict) -> JobRow:
    base = {"x": 0.5, "y": 0.5, "height": 0.3, "tau": None, "size": 700, "iters1": 100, "iters2": 100, "post": True}
    return JobRow(JobRef("j1", "test", "u", "c"), JobStatus.QUEUED, {**base, **options}, "p.png", "o.png",
                  0, None, None, 0.0, None, None)


def test_the_default_standard_preset_runs_coarse_to_fine_and_reaches_the_engine() -> None:
    standard = BotSettings(_env_file=None).presets["standard"]
    assert standard.size == 700 and standard.coarse_scale < 1 and standard.coarse_iters2 > 0
    request = _engine_request(job_row(standard.model_dump()), "out", "cpu")
    assert (request.coarse_scale, request.coarse_iters2) == (standard.coarse_scale, standard.coarse_iters2)
    # a job queued before the options existed runs as the authors' (full size throughout)
    old = _engine_request(job_row({}), "out", "cpu")
    assert (old.coarse_scale, old.coarse_iters2) == (1.0, 0)
