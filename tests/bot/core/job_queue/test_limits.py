"""Limits: exact enforcement under 200 concurrent submissions, retry-after, admin changes."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from typing import get_args

import pytest

from bot.core import (
    CHAT_SCOPED,
    MAX_LIMIT,
    BotError,
    InvalidOptions,
    JobOptions,
    LimitName,
    NotAllowed,
    QueueFull,
    QuotaExceeded,
    RateLimited,
    Requester,
    parse_limit_value,
)
from bot.core.job_queue import validation
from bot.core.job_queue.limits import Limits, Usage, check_submission
from tests.support.services import image_bytes

PNG = image_bytes("PNG")
LOOSE = Limits(1000, 1000, 1000, 1000, 1000, 1000, 1000)


def usage(**kw: object) -> Usage:
    base = dict(user_active=0, chat_active=0, total_active=0, user_times=(), chat_times=())
    base.update(kw)
    return Usage(**base)  # type: ignore[arg-type]


def test_hourly_limit_says_when_to_retry() -> None:
    limits = LOOSE.with_values({"user_jobs_per_hour": 2})
    now = 10_000.0
    check_submission(limits, usage(user_times=(now - 100,)), now)
    with pytest.raises(RateLimited) as caught:
        check_submission(limits, usage(user_times=(now - 100, now - 3000)), now)
    assert caught.value.retry_after_s == pytest.approx(600.0)  # the older one leaves in 10 min
    assert "2 job(s) per hour" in caught.value.message
    check_submission(limits, usage(user_times=(now - 100, now - 3700)), now)  # one is > 1 h old


def test_daily_and_concurrent_quotas_and_queue_cap() -> None:
    now = 100_000.0
    with pytest.raises(QuotaExceeded) as daily:
        check_submission(LOOSE.with_values({"chat_jobs_per_day": 1}), usage(chat_times=(now - 80_000,)), now)
    assert daily.value.retry_after_s == pytest.approx(6400.0)
    with pytest.raises(QuotaExceeded) as concurrent:
        check_submission(LOOSE.with_values({"user_concurrent_jobs": 1}), usage(user_active=1), now)
    assert concurrent.value.retry_after_s is None
    with pytest.raises(QueueFull):
        check_submission(LOOSE.with_values({"queue_cap": 3}), usage(total_active=3), now)
    with pytest.raises(RateLimited):
        check_submission(LOOSE.with_values({"user_jobs_per_hour": 0}), usage(), now)


SCENARIOS = {
    # name: (settings, how many of the 200 submissions must be accepted, expected refusal)
    "per-user hourly": (dict(user_jobs_per_hour=3), 20 * 3, RateLimited),
    "per-chat hourly": (dict(chat_jobs_per_hour=7), 2 * 7, RateLimited),
    "per-user concurrent": (dict(user_concurrent_jobs=2), 20 * 2, QuotaExceeded),
    "global queue cap": (dict(queue_cap=37), 37, QueueFull),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_200_concurrent_submissions_respect_limits_exactly(start_service, tmp_path, name: str) -> None:
    overrides, expected, refusal = SCENARIOS[name]
    service, _ = await start_service(default_quality="long", **overrides)
    requesters = [Requester("discord", f"user{i % 20}", f"guild{i % 2}") for i in range(200)]

    async def submit(requester: Requester) -> object:
        try:
            return await service.submit(requester, PNG, PNG)
        except BotError as error:
            return error

    outcomes = await asyncio.gather(*(submit(r) for r in requesters))
    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Submission": expected, refusal.__name__: 200 - expected}, kinds
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
    assert stored == expected
    job_dirs = [p for p in (tmp_path / "files").iterdir()]
    assert len(job_dirs) == expected  # refused uploads leave no files behind


async def test_admins_change_limits_at_run_time(start_service) -> None:
    service, _ = await start_service(owners=["telegram:1"], user_jobs_per_hour=5)
    owner = Requester("telegram", "1", "100")
    chat_admin = Requester("telegram", "2", "200", is_platform_admin=True)
    user = Requester("telegram", "3", "200")

    with pytest.raises(NotAllowed):
        await service.set_limit(chat_admin, "user_jobs_per_hour", 1, scope="global")
    with pytest.raises(NotAllowed):
        await service.set_limit(user, "user_jobs_per_hour", 1, scope="chat")
    with pytest.raises(NotAllowed):  # chat admins may only lower limits
        await service.set_limit(chat_admin, "user_jobs_per_hour", 9, scope="chat")
    with pytest.raises(InvalidOptions):
        await service.set_limit(chat_admin, "queue_cap", 1, scope="chat")
    with pytest.raises(InvalidOptions):
        await service.set_limit(owner, "jobs_per_fortnight", 1)  # type: ignore[arg-type]

    chat_limits = await service.set_limit(chat_admin, "user_jobs_per_hour", 1, scope="chat")
    assert chat_limits.user_jobs_per_hour == 1
    assert (await service.get_limits()).user_jobs_per_hour == 5
    await service.submit(user, PNG, PNG)
    with pytest.raises(RateLimited):
        await service.submit(user, PNG, PNG)
    await service.submit(Requester("telegram", "3", "300"), PNG, PNG)  # another chat: global 5

    assert (await service.set_limit(owner, "queue_cap", 2)).queue_cap == 2
    with pytest.raises(QueueFull):
        await service.submit(Requester("telegram", "4", "400"), PNG, PNG)
    assert (await service.set_limit(owner, "queue_cap", None)).queue_cap == 1000  # back to settings


async def test_limits_survive_a_restart(start_service) -> None:
    service, _ = await start_service(owners=["discord:7"])
    await service.set_limit(Requester("discord", "7", "1"), "user_jobs_per_day", 3)
    await service.stop()
    again, _ = await start_service(owners=["discord:7"])
    assert (await again.get_limits()).user_jobs_per_day == 3


async def test_bad_options_are_refused_before_queueing(start_service) -> None:
    service, _ = await start_service()
    cases = [
        (JobOptions(x=1.5), "x and y"),
        (JobOptions(height=0.0), "height"),
        (JobOptions(tau=-1.0), "tau"),
        (JobOptions(quality="ultra"), "Unknown quality"),
    ]
    for options, word in cases:
        with pytest.raises(InvalidOptions, match=word):
            await service.submit(Requester("discord", "1", "1"), PNG, PNG, options)
    assert (await service.queue_status()).queued == 0
    await service.submit(Requester("discord", "1", "1"), PNG, PNG, JobOptions(tau="auto"))


@pytest.mark.parametrize(
    "text, accepted",
    [
        ("12", 12),
        ("0", 0),
        (" 7 ", 7),
        (f"{MAX_LIMIT}", MAX_LIMIT),
        ("99999999999999999999", None),  # past SQLite's integers: a clear refusal, not a crash
        (f"{MAX_LIMIT + 1}", None),
        ("١٢", None),
        ("²", None),
        ("1_000", None),
        ("-3", None),
        ("many", None),
        ("", None),
        ("9" * 5000, None),
    ],
)
def test_a_typed_limit_is_ascii_digits_within_bounds(text: str, accepted: int | None) -> None:
    if accepted is not None:
        assert parse_limit_value(text) == accepted
    else:
        with pytest.raises(InvalidOptions, match="whole number"):
            parse_limit_value(text)


async def test_a_limit_beyond_the_bound_is_refused_and_nothing_changes(start_service) -> None:
    service, _ = await start_service(owners=["telegram:1"])
    owner = Requester("telegram", "1", "100")
    for value in (MAX_LIMIT + 1, 10**20, -1):
        with pytest.raises(InvalidOptions, match=f"0 to {MAX_LIMIT:,}"):
            await service.set_limit(owner, "user_jobs_per_day", value)
    assert (await service.get_limits()).user_jobs_per_day == 1000
    assert (await service.set_limit(owner, "user_jobs_per_day", MAX_LIMIT)).user_jobs_per_day == MAX_LIMIT


def test_every_limit_is_named_once() -> None:
    assert get_args(LimitName) == Limits.names()
    assert set(CHAT_SCOPED) == set(Limits.names()) - {"queue_cap"}


async def test_a_refused_submission_never_decodes_its_images(start_service, monkeypatch) -> None:
    """Options and limits are checked before the (expensive) image decoding."""
    decoded: list[str] = []
    real = validation.validate_image

    def spy(data: bytes, what: str, *limits: int) -> str:
        decoded.append(what)
        return real(data, what, *limits)

    monkeypatch.setattr(validation, "validate_image", spy)
    service, _ = await start_service(owners=["discord:0"], user_concurrent_jobs=1, queue_cap=2)
    alice, bob, carol = (Requester("discord", name, "guild") for name in ("a", "b", "c"))
    with pytest.raises(InvalidOptions):
        await service.submit(alice, PNG, PNG, JobOptions(x=2.0))
    assert decoded == []
    await service.submit(alice, PNG, PNG, JobOptions(quality="long"))
    assert decoded == ["painting", "object image"]
    with pytest.raises(QuotaExceeded):
        await service.submit(alice, PNG, PNG)  # her one concurrent job is taken
    await service.submit(bob, PNG, PNG, JobOptions(quality="long"))
    with pytest.raises(QueueFull):
        await service.submit(carol, PNG, PNG)
    owner = Requester("discord", "0", "x")
    await service.set_limit(owner, "queue_cap", 100)
    await service.set_limit(owner, "user_jobs_per_hour", 0)
    with pytest.raises(RateLimited):
        await service.submit(Requester("discord", "d", "other"), PNG, PNG)
    assert decoded == ["painting", "object image"] * 2  # the refusals decoded nothing
