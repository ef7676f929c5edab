"""A front end's job context through the JSON string the core stores."""

from dataclasses import dataclass

import pytest

from bot.core import StoredContext


@dataclass(frozen=True)
class Where(StoredContext):
    chat_id: int
    message_id: int
    thread_id: int | None = None
    limit: int = 25


def test_round_trip_keeps_every_field() -> None:
    where = Where(-100123, 5, thread_id=9, limit=8)
    assert Where.from_json(where.to_json()) == where
    assert Where.from_json(Where(1, 2).to_json()) == Where(1, 2)


def test_fields_with_defaults_may_be_missing_others_not() -> None:
    assert Where.from_json('{"chat_id": 1, "message_id": 2}') == Where(1, 2, None, 25)
    assert Where.from_json('{"chat_id": 1}') is None


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[1, 2]", "7", '{"channel_id": 1, "message_id": 2}', '{"chat_id": "x", "message_id": 2}'],
)
def test_anything_else_is_none(text: str) -> None:
    assert Where.from_json(text) is None
