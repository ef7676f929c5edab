"""What a chat does with a picture the picture check flags: the four policies and the one rule.

Discord's developer policy allows adult content only in channels marked age-restricted
(docs/design/moderation.md); Telegram has no such mark, so there
`age-restricted` refuses flagged pictures everywhere. Admins pick a chat's policy with
`/defaults set moderation ...`; the bot's own is PAINTERLY_DISCORD_MODERATION /
PAINTERLY_TELEGRAM_MODERATION (docs/design/moderation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.core.errors import BotError


class Policy(str, Enum):
    """What happens to a flagged picture."""

    OFF = "off"  # no check: every picture is posted as it is
    SPOILER = "spoiler"  # posted hidden (Discord spoiler attachments, Telegram has_spoiler)
    AGE_RESTRICTED = "age-restricted"  # posted only where the channel is age-restricted, else refused
    REFUSE = "refuse"  # never posted


POLICY_NAMES = tuple(policy.value for policy in Policy)
REFUSED = "This picture looks like adult content, which this chat does not allow, so I did not post it."
NOT_HERE = (
    "This picture looks like adult content, which this chat allows only in age-restricted channels, "
    "so I did not post it here."
)


class PictureRefused(BotError):
    """A flagged picture may not be posted where it was asked for."""


@dataclass(frozen=True)
class Showing:
    """How to post a picture: `flagged` by the check (or a report), `spoiler` to hide it."""

    flagged: bool
    spoiler: bool


def parse_policy(text: str) -> Policy:
    """An admin's typed policy; raises ValueError naming the choices."""
    try:
        return Policy(text.strip().lower())
    except ValueError:
        raise ValueError(f"The picture check's policy is one of: {', '.join(POLICY_NAMES)}.") from None


def decide(policy: Policy, flagged: bool, age_restricted: bool) -> Showing:
    """How a picture is shown under `policy` where the channel is (or is not) age-restricted.

    Raises PictureRefused, with the line to show, when it may not be posted there.
    """
    if not flagged or policy is Policy.OFF:
        return Showing(flagged=flagged, spoiler=False)
    if policy is Policy.SPOILER:
        return Showing(flagged=True, spoiler=True)
    if policy is Policy.AGE_RESTRICTED and age_restricted:
        return Showing(flagged=True, spoiler=False)
    raise PictureRefused(NOT_HERE if policy is Policy.AGE_RESTRICTED else REFUSED)
