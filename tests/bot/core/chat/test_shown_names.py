"""File names echoed in refusals cannot format, link or mention (issue 25, item 10)."""

from __future__ import annotations

import pytest

from bot.core import shown_name

HOSTILE = "[click](https://evil.example) @everyone <@&123> `x` **b** \u202egnp.exe\n.pdf"


def test_a_hostile_name_loses_links_mentions_and_formatting() -> None:
    shown = shown_name(HOSTILE)
    for bad in ("](", "@", "<", "`", "*", "\u202e", "\n", "://"):
        assert bad not in shown
    assert shown.endswith(".pdf")


@pytest.mark.parametrize("name", ["photo.png", "Mona Lisa (final) - v2.jpeg", "картина_1.webp", "絵.png"])
def test_ordinary_names_are_shown_as_they_are(name: str) -> None:
    assert shown_name(name) == name


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    shown = shown_name("a" * 500 + ".png")
    assert len(shown) <= 60 and shown.endswith(".png")
