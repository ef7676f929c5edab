"""Settings: read from the environment, secrets hidden, every key documented in .env.example."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core import JobOptions, Quality
from bot.core.job_queue.job_spec import JobSpec, resolve
from bot.core.running.engine_request import EngineRequest
from bot.core.settings import BotSettings
from bot.scale.protocol import RunOrder
from harmonize.cutout import CutoutSettings
from harmonize.options import HarmonizeOptions
from harmonize.presets import preset_options
from harmonize.types import Placement
from tests.support.paths import REPO

ENV_EXAMPLE = REPO / ".env.example"


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


def test_owners_qualities_and_limits_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PAINTERLY_OWNERS", "discord:1, telegram:2")
    monkeypatch.setenv("PAINTERLY_QUALITIES", '{"tiny": {"size": 64, "iters1": 3, "iters2": 3, "post": false}}')
    monkeypatch.setenv("PAINTERLY_DEFAULT_QUALITY", "tiny")
    monkeypatch.setenv("PAINTERLY_USER_JOBS_PER_DAY", "7")
    settings = BotSettings(_env_file=None)
    assert settings.owners == ["discord:1", "telegram:2"]
    assert settings.qualities["tiny"].options().post is False
    assert settings.default_limits().user_jobs_per_day == 7


def test_an_env_file_with_the_earlier_quality_keys_still_works(monkeypatch) -> None:
    monkeypatch.setenv("PAINTERLY_PRESETS", '{"tiny": {"size": 64, "iters1": 3, "iters2": 3}}')
    monkeypatch.setenv("PAINTERLY_DEFAULT_PRESET", "tiny")
    settings = BotSettings(_env_file=None)
    assert list(settings.qualities) == ["tiny"] and settings.default_quality == "tiny"


@pytest.mark.parametrize(
    "key, value, word",
    [
        ("PAINTERLY_OWNERS", "1234", "PLATFORM:USER_ID"),
        ("PAINTERLY_ENGINE", "bot.core.running.harmonizer_engine.HarmonizerEngine", "MODULE:FUNCTION"),
        ("PAINTERLY_DEFAULT_QUALITY", "ultra", "default_quality"),
        ("PAINTERLY_WORKERS", "0", "workers"),
    ],
)
def test_bad_settings_say_what_is_wrong(monkeypatch, key: str, value: str, word: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=word):
        BotSettings(_env_file=None)


def test_a_quality_is_checked_by_the_engine_options_themselves(monkeypatch) -> None:
    monkeypatch.setenv("PAINTERLY_QUALITIES", '{"tiny": {"size": 64, "iters_1": 3}}')
    with pytest.raises(ValidationError, match="Unknown setting"):
        BotSettings(_env_file=None)
    monkeypatch.setenv("PAINTERLY_QUALITIES", '{"tiny": {"size": 64, "coarse_scale": 2}}')
    with pytest.raises(ValidationError, match="coarse_scale"):
        BotSettings(_env_file=None)


def test_the_default_standard_quality_runs_coarse_to_fine_and_reaches_the_engine() -> None:
    settings = BotSettings(_env_file=None)
    spec = resolve(JobOptions(tau=7.5), settings.qualities, settings.default_quality)
    assert spec.quality == "standard"
    assert spec.options == preset_options("standard", size=700, tau=7.5)
    stored = JobSpec.from_json(spec.to_json())
    assert stored == spec
    request = EngineRequest("j1", "p.png", "o.png", "out", stored.placement, stored.options)
    assert EngineRequest.from_dict(json.loads(json.dumps(request.to_dict()))) == request
    cut = dataclasses.replace(spec, object_is_cutout=True)  # the chat's preview made the cut-out
    assert JobSpec.from_json(cut.to_json()).object_is_cutout and not stored.object_is_cutout
    before_the_rename = json.loads(spec.to_json())
    before_the_rename["preset"] = before_the_rename.pop("quality")  # a row queued before "quality"
    assert JobSpec.from_json(json.dumps(before_the_rename)) == spec


def test_the_cut_out_settings_come_from_the_bots_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("REMOVE_BG_API_KEY", "k-123")
    monkeypatch.setenv("PAINTERLY_REMBG_MODEL", str(tmp_path / "u2net.onnx"))
    monkeypatch.setenv("PAINTERLY_CACHE_DIR", str(tmp_path / "cache"))
    cutout = BotSettings(_env_file=None).cutout_settings()
    assert cutout == CutoutSettings("k-123", tmp_path / "u2net.onnx", tmp_path / "cache")


def test_a_job_an_older_version_queued_runs_with_the_defaults_for_what_it_lacks() -> None:
    old = {
        "x": 0.5,
        "y": 0.25,
        "height": 0.3,
        "tau": None,
        "preset": "standard",  # the quality's name in rows of that time
        "size": 700,
        "iters1": 100,
        "iters2": 100,
        "post": True,
    }
    spec = JobSpec.from_json(json.dumps(old))
    assert spec.quality == "standard" and spec.placement == Placement(0.5, 0.25, 0.3)
    # full size throughout, the authors' tau: what that version ran such a job with
    assert spec.options == HarmonizeOptions(size=700, iters1=100, iters2=100, post=True)
    assert (spec.options.coarse_scale, spec.options.coarse_iters2) == (1.0, 0)
    with_tau = JobSpec.from_json(json.dumps({**old, "tau": "auto", "coarse_scale": 0.5, "coarse_iters2": 10}))
    assert with_tau.options.tau == "auto" and with_tau.options.coarse_iters2 == 10


def test_a_new_engine_option_needs_no_bot_edit() -> None:
    """Every HarmonizeOptions field (likeness too) goes from a quality to the worker unchanged."""
    changes = {"likeness": 0.25, "seed": 7, "size": 64, "iters1": 2, "iters2": 3, "post": False}
    qualities = {"custom": Quality(**changes)}
    spec = resolve(JobOptions(quality="custom"), qualities, "custom")
    order = RunOrder.for_request(
        "r", EngineRequest("j", "/a/p.png", "/a/o.png", "/a/out", spec.placement, spec.options), 1.0, 1.0
    )
    request = RunOrder.from_wire(json.loads(json.dumps(order.to_wire()))).engine_request(Path("/w"))
    assert request.options == HarmonizeOptions(**changes)
