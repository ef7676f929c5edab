"""The loop's button encoding and the pure effects of each button on a LoopState."""

from __future__ import annotations

import json

import pytest

from bot.core.chat.actions import (
    MAX_DATA_BYTES,
    Action,
    Press,
    cancel_data,
    parse_cancel,
    parse_press,
)
from bot.core.chat.loop_state import (
    MIN_HEIGHT,
    STRENGTHS,
    LoopState,
    describe,
    moved,
    next_method,
    reliked,
    reseeded,
    resized,
    restyled,
    strength_name,
    strength_tau,
    upgraded,
)

SESSION, JOB = "0123456789ab", "fedcba9876"


@pytest.mark.parametrize("action", list(Action))
def test_every_button_round_trips_within_both_platforms_limits(action: Action) -> None:
    press = Press(action, SESSION, JOB if action.needs_job else None)
    data = press.encode()
    assert len(data.encode()) <= MAX_DATA_BYTES <= 100  # Telegram 64 bytes, Discord 100 chars
    assert parse_press(data) == press


@pytest.mark.parametrize(
    "data",
    [
        "",
        "L",
        "L|p",
        "L|p|XYZ",
        "L|?|abc",
        f"L|p|{SESSION}|{JOB}",
        f"L|-|{SESSION}",
        "o|1|q|draft",
        "c|abc",
        f"L|p|{SESSION}|",
        "L|p|" + "a" * 21,
    ],
)
def test_foreign_or_malformed_data_is_not_a_press(data: str) -> None:
    assert parse_press(data) is None


def test_cancel_buttons_name_any_job() -> None:
    assert parse_cancel(cancel_data(JOB)) == JOB
    assert parse_cancel(f"L|p|{SESSION}") is None and parse_cancel("c|") is None
    with pytest.raises(ValueError):
        cancel_data("not hex")


def test_a_press_that_would_not_fit_refuses_to_encode() -> None:
    with pytest.raises(ValueError):
        Press(Action.PAINT, "a" * 70).encode()


def test_moves_step_and_stay_inside_the_painting() -> None:
    state = LoopState(x=0.5, y=0.5)
    assert moved(state, 1, 0).x == pytest.approx(0.55)
    assert moved(state, 0, -1).y == pytest.approx(0.45)
    edge = LoopState(x=0.98, y=0.01)
    assert moved(edge, 1, -1) == edge.replace(x=1.0, y=0.0)


def test_resizing_scales_and_is_bounded() -> None:
    state = LoopState(height=0.5)
    assert resized(state, 1).height == pytest.approx(0.6)
    assert resized(state, -1).height == pytest.approx(0.5 / 1.2, abs=1e-4)
    assert resized(LoopState(height=0.95), 1).height == 1.0
    assert resized(LoopState(height=MIN_HEIGHT), -1).height == MIN_HEIGHT


def test_strength_steps_through_the_one_table() -> None:
    taus = [tau for _, tau in STRENGTHS]
    assert taus == sorted(taus) and taus[0] >= 1.0 and taus[-1] <= 10.0  # the paper's 1..10
    state = LoopState(tau=taus[0])
    seen = [state.tau]
    for _ in range(len(taus) + 1):
        state = restyled(state, 1)
        seen.append(state.tau)
    assert seen[: len(taus)] == taus and seen[-1] == taus[-1]
    assert restyled(LoopState(tau="auto"), 1).tau == taus[taus.index(5.0) + 1]
    assert strength_name(strength_tau("strong")) == "strong"
    assert strength_name(9.0) == "very strong"


def test_likeness_steps_within_zero_and_one() -> None:
    assert reliked(LoopState(likeness=0.0), -1).likeness == 0.0
    assert reliked(LoopState(likeness=0.0), 1).likeness == 0.25
    assert reliked(LoopState(likeness=0.9), 1).likeness == 1.0


def test_upgrade_follows_the_qualities_order_and_stops_at_the_top() -> None:
    qualities = ["draft", "standard", "best"]
    assert upgraded(LoopState(quality="draft"), qualities).quality == "standard"
    assert upgraded(LoopState(quality="standard"), qualities).quality == "best"
    assert upgraded(LoopState(quality="best"), qualities) is None


def test_reseed_changes_the_seed_only() -> None:
    state = LoopState(seed=5)
    other = reseeded(state)
    assert other.seed != 5 and other.replace(seed=5) == state


def test_method_cycles_through_what_is_available() -> None:
    assert next_method("alpha", ("alpha", "grabcut")) == "grabcut"
    assert next_method("grabcut", ("alpha", "grabcut")) == "alpha"
    assert next_method("removebg", ("grabcut",)) == "grabcut"


def test_state_survives_json_and_reads_older_rows() -> None:
    state = LoopState(x=0.1, tau="auto", likeness=0.5, quality="draft", seed=9, method="grabcut")
    assert LoopState.from_json(state.to_json()) == state
    assert LoopState.from_json('{"x": 0.2, "retired_field": 1}') == LoopState(x=0.2)
    assert "strength medium" in describe(LoopState())


def test_a_session_stored_before_the_quality_was_named_so_keeps_its_quality() -> None:
    state = LoopState(quality="draft", x=0.25)
    stored = json.loads(state.to_json())
    stored["preset"] = stored.pop("quality")  # how sessions stored it before
    assert LoopState.from_json(json.dumps(stored)) == state
