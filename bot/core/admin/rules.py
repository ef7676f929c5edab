"""Who may do what: bot owners (from settings), chat admins (the front end's judgement), users."""

from __future__ import annotations

from typing import Literal

from bot.core.errors import InvalidOptions, NotAllowed
from bot.core.job_queue.limits import CHAT_SCOPED, Limits, check_limit_value
from bot.core.jobs import JobRef, Requester

ChatKey = tuple[str, str]  # (platform, chat id)


class AdminRules:
    """The permission rules; `owners` lists bot owners as "PLATFORM:USER_ID"."""

    def __init__(self, owners: list[str]) -> None:
        self.owners = frozenset(owners)

    def is_owner(self, requester: Requester) -> bool:
        """True for bot owners listed in settings (PLATFORM:USER_ID)."""
        return f"{requester.platform}:{requester.user_id}" in self.owners

    def is_admin_of(self, requester: Requester, platform: str, chat_id: str) -> bool:
        """True for bot owners, and for platform admins of that very chat."""
        if self.is_owner(requester):
            return True
        same_chat = requester.platform == platform and requester.chat_id == chat_id
        return requester.is_platform_admin and same_chat

    def check_cancel(self, requester: Requester, job: JobRef) -> None:
        """Raise NotAllowed unless the requester owns the job or administers its chat."""
        owner = job.platform == requester.platform and job.user_id == requester.user_id
        if not owner and not self.is_admin_of(requester, job.platform, job.chat_id):
            raise NotAllowed("Only the person who started this job or an admin can cancel it.")

    def limit_scope(
        self, requester: Requester, name: str, value: int | None, scope: Literal["global", "chat"]
    ) -> ChatKey | None:
        """Check a limit change (name, value, who); return its chat, or None for global.

        The global ceiling a chat admin must stay under is checked by `check_chat_value`.
        Raises InvalidOptions or NotAllowed.
        """
        if name not in Limits.names():
            names = ", ".join(Limits.names())
            raise InvalidOptions(f"Unknown limit {name!r}; the limits are: {names}.")
        if value is not None:
            check_limit_value(value)
        if scope == "global":
            if not self.is_owner(requester):
                raise NotAllowed("Only the bot's owners can change global limits.")
            return None
        if scope != "chat":
            raise InvalidOptions(f"Unknown scope {scope!r}; use 'global' or 'chat'.")
        if not self.is_admin_of(requester, requester.platform, requester.chat_id):
            raise NotAllowed("Only admins of this chat can change its limits.")
        if name not in CHAT_SCOPED:
            raise InvalidOptions(f"{name} is a global limit; it cannot be set per chat.")
        return (requester.platform, requester.chat_id)

    def check_chat_value(self, requester: Requester, name: str, value: int | None, global_limits: Limits) -> None:
        """Chat admins (not owners) may only lower a limit below its global value."""
        if self.is_owner(requester) or value is None:
            return
        ceiling = getattr(global_limits, name)
        if value > ceiling:
            raise NotAllowed(f"Chat admins can only lower limits; {name} is at most {ceiling} here.")
