"""Jobs being put together in a chat: options and the two images, kept in memory per chat + user."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.core import JobOptions
from bot.telegram.incoming_pictures import ImageRef

DRAFT_TTL_S = 3600.0  # a draft untouched for an hour is forgotten (Telegram file ids stay valid)

DraftKey = tuple[int, int]  # (chat id, user id)


@dataclass
class Draft:
    """One user's job in one chat before it is submitted.

    `prompt_id`: the bot's prompt message (with the option keyboard); `images`: painting first,
    then the object photo.
    """

    chat_id: int
    user_id: int
    options: JobOptions
    prompt_id: int | None = None
    thread_id: int | None = None
    images: list[ImageRef] = field(default_factory=list)
    touched: float = field(default_factory=time.monotonic)

    @property
    def key(self) -> DraftKey:
        """(chat id, user id)."""
        return (self.chat_id, self.user_id)

    @property
    def complete(self) -> bool:
        """True once both the painting and the object photo arrived."""
        return len(self.images) >= 2


class DraftBook:
    """The drafts in progress, at most one per (chat, user), forgotten after DRAFT_TTL_S."""

    def __init__(self, ttl_s: float = DRAFT_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._drafts: dict[DraftKey, Draft] = {}

    def get(self, chat_id: int, user_id: int) -> Draft | None:
        """The user's live draft in this chat, if any (touching it keeps it alive)."""
        self._expire()
        draft = self._drafts.get((chat_id, user_id))
        if draft is not None:
            draft.touched = time.monotonic()
        return draft

    def put(self, draft: Draft) -> None:
        """Start (or replace) the draft of its chat + user."""
        self._expire()
        self._drafts[draft.key] = draft

    def pop(self, chat_id: int, user_id: int) -> Draft | None:
        """Remove and return the user's draft in this chat."""
        return self._drafts.pop((chat_id, user_id), None)

    def drop_user(self, user_id: int) -> int:
        """Forget all of one user's drafts, in every chat; return how many."""
        keys = [key for key in self._drafts if key[1] == user_id]
        for key in keys:
            del self._drafts[key]
        return len(keys)

    def _expire(self) -> None:
        """Forget drafts untouched for longer than the TTL."""
        cutoff = time.monotonic() - self.ttl_s
        for key in [k for k, d in self._drafts.items() if d.touched < cutoff]:
            del self._drafts[key]
