"""A job's status message on Telegram: the shared StatusEditor with Telegram's edit call.

Telegram allows about one message per second per chat and 20 per minute per group
(docs/bot-conventions.md §1), so edits go through bot.core.chat.status_editor: only changes, at most
one per interval, RetryAfter waited out.
"""

from __future__ import annotations

import asyncio
import datetime as dtm

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.core import CannotEdit, RetryLater, StatusEditor, Timer

STATUS_EDIT_INTERVAL_S = 3.0  # seconds between two edits of one status message (docs/bot-conventions.md §1)

Content = tuple[str, InlineKeyboardMarkup | None]  # a text and its buttons


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait a RetryAfter asks for, in seconds (PTB gives an int or a timedelta)."""
    value = error._retry_after  # the timedelta behind the deprecated int `retry_after`
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class StatusMessage:
    """A bot message in `chat_id` that shows one job's state (text and buttons)."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        message_id: int,
        interval_s: float = STATUS_EDIT_INTERVAL_S,
        timer: Timer | None = None,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.message_id = message_id
        self._editor: StatusEditor[Content] = StatusEditor(
            self._edit, interval_s, timer, name=f"status {message_id} in chat {chat_id}"
        )

    @property
    def text(self) -> str | None:
        """The text last shown (None before the first edit)."""
        shown = self._editor.shown
        return None if shown is None else shown[0]

    def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show `text` (and buttons) at the next allowed edit; ignored after `finish`."""
        self._editor.show((text, markup))

    def finish(self, text: str) -> asyncio.Task[None]:
        """Show a last text (no buttons) at once, then stop; returns the task to await if needed."""
        return self._editor.finish((text, None))

    async def close(self) -> None:
        """Stop editing without a last edit (shutdown)."""
        await self._editor.close()

    async def _edit(self, content: Content) -> None:
        """One editMessageText, its errors told to the editor in its own terms."""
        text, markup = content
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=self.chat_id,
                message_id=self.message_id,
                reply_markup=markup,
            )
        except RetryAfter as error:
            raise RetryLater(retry_after_seconds(error)) from error
        except BadRequest as error:
            if "not modified" not in error.message.lower():  # e.g. shown already before a restart
                raise CannotEdit(error.message) from error
        except NetworkError:
            raise  # transient: the editor retries
        except TelegramError as error:
            raise CannotEdit(str(error)) from error
