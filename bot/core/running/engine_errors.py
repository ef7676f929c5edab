"""Engine errors in a chat user's words: never a CLI flag, an array shape or a traceback.

The engine's messages are written for its command line ("give a --box … or try another
--method", "got shape (1, 1, 3)"). A worker turns each error into a reason and the words below
(`chat_failure`), and keeps the engine's own message for the bot's log. Both front ends show
these words as they are; they name only what a chat user can change (the pictures, the height).
"""

from __future__ import annotations

from dataclasses import dataclass

from harmonize.cutout import CutoutError
from harmonize.imageio import ImageError
from harmonize.options import OptionsError
from harmonize.placement import PlacementError

CUTOUT_FAILED = (
    "I could not cut the object out of its photo. Send a photo where the object "
    "stands out against a plain background, or a PNG whose background is already "
    "transparent."
)
OBJECT_TOO_SMALL = (
    "The object would be only a few pixels tall in the painting: choose a larger height, or send a bigger painting."
)
NOTHING_VISIBLE = "Nothing of the object is left once it is cut out; send another photo of it."
BAD_SETTINGS = "This quality setting cannot be used on this bot; the bot's admin can see why in its log."
UNUSABLE = "The engine could not use these pictures; try other ones. The bot's admin can see why in its log."
PLACEMENT_WORDS = {"too_small": OBJECT_TOO_SMALL, "transparent": NOTHING_VISIBLE}  # out_of_range: the bot checks


@dataclass(frozen=True)
class ChatFailure:
    """Why a job failed: a stable `reason` code and the `text` to show in a chat."""

    reason: str
    text: str


def chat_failure(error: BaseException) -> ChatFailure:
    """The chat words for an error raised by the engine (a ValueError or one of its kinds)."""
    if isinstance(error, ImageError):
        return ChatFailure(f"image.{error.reason}", error.message)  # written for people already
    if isinstance(error, CutoutError):
        return ChatFailure("cutout", CUTOUT_FAILED)
    if isinstance(error, OptionsError):
        return ChatFailure("options", BAD_SETTINGS)
    if isinstance(error, PlacementError) and error.reason in PLACEMENT_WORDS:
        return ChatFailure(f"placement.{error.reason}", PLACEMENT_WORDS[error.reason])
    return ChatFailure("input", UNUSABLE)
