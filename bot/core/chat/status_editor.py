"""One status message per job, edited in place: only changes, at most once per interval, latest wins.

Both front ends use it (Discord and Telegram limit how often a bot may edit; docs/bot-conventions.md
§1). `show` only records the wanted content; a background task edits the message with the latest
one when the interval allows. `finish` shows a last content at once and ends the message. The
platform's edit function says what went wrong by raising `RetryLater` (flood control: wait, then
try again) or `CannotEdit` (the message is gone: stop); anything else counts as a transient
failure, retried after the interval up to MAX_EDIT_FAILURES times. Time comes from an injected
`Timer`, so tests run it without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

C = TypeVar("C")  # what one edit shows: a text, or a text and its buttons

MAX_EDIT_FAILURES = 5  # transient errors in a row before the message is given up


class Timer(Protocol):
    """A monotonic clock in seconds and a way to wait on it."""

    def now(self) -> float:
        """Seconds on a clock that never goes back."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock."""


class MonotonicTimer:
    """The real Timer: time.monotonic and asyncio.sleep."""

    def now(self) -> float:
        """time.monotonic()."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """asyncio.sleep(seconds)."""
        await asyncio.sleep(seconds)


class RetryLater(Exception):
    """Raised by an edit function: the platform asks to wait `delay_s` seconds first."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(f"retry in {delay_s:g} s")
        self.delay_s = delay_s


class CannotEdit(Exception):
    """Raised by an edit function: this message can no longer be edited (deleted, no rights)."""


class StatusEditor(Generic[C]):
    """Edits one message through `edit(content)`; see the module docstring for the rules."""

    def __init__(
        self,
        edit: Callable[[C], Awaitable[None]],
        interval_s: float,
        timer: Timer | None = None,
        name: str = "status",
    ) -> None:
        self._edit = edit
        self.interval_s = interval_s
        self._timer = timer if timer is not None else MonotonicTimer()
        self.name = name
        self._wanted: C | None = None
        self._shown: C | None = None
        self._has_wanted = False
        self._has_shown = False
        self._next_edit_at = -math.inf
        self._final = False
        self._abandoned = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def shown(self) -> C | None:
        """The content last shown (None before the first edit)."""
        return self._shown

    @property
    def finished(self) -> bool:
        """True once `finish` was called: later `show`s are ignored."""
        return self._final

    def show(self, content: C) -> None:
        """Show `content` at the next allowed edit (unless it is what is shown); ignored after finish."""
        if self._final:
            return
        self._want(content)

    def finish(self, content: C) -> asyncio.Task[None]:
        """Show a last content at once, then stop; returns the task to await if needed."""
        self._final = True
        return self._want(content)

    async def close(self) -> None:
        """Stop without a last edit (shutdown, or the message was deleted)."""
        self._final = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def abandon(self) -> None:
        """Stop without a last edit and without waiting (callable from inside an edit)."""
        self._final = self._abandoned = True
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()

    def _want(self, content: C) -> asyncio.Task[None]:
        """Record the wanted content and make sure the editing task runs and notices it."""
        self._wanted, self._has_wanted = content, True
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._edit_loop(), name=f"{self.name}-editor")
        return self._task

    def _pending(self) -> bool:
        """Whether the wanted content is not on screen yet."""
        return not self._abandoned and self._has_wanted and (not self._has_shown or self._wanted != self._shown)

    async def _wait(self, seconds: float, interruptible: bool) -> None:
        """Wait on the timer; a new wanted content cuts the wait short when `interruptible`."""
        self._wake.clear()
        sleeping = asyncio.ensure_future(self._timer.sleep(seconds))
        waits: set[asyncio.Future[Any]] = {sleeping}
        if interruptible:
            waits.add(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _edit_loop(self) -> None:
        """Edit the message until it shows the wanted content, or give up."""
        failures = 0
        while self._pending():
            wait = self._next_edit_at - self._timer.now()
            if wait > 0 and not self._final:
                await self._wait(wait, interruptible=True)
                continue
            wanted = self._wanted
            try:
                await self._edit(wanted)  # type: ignore[arg-type]  # set by _want
            except RetryLater as error:
                log.warning("%s: flood control, next edit in %.0f s", self.name, error.delay_s)
                await self._wait(error.delay_s, interruptible=False)
                continue
            except CannotEdit as error:
                log.info("%s can no longer be edited (%s); giving up", self.name, error)
                return
            except Exception as error:  # noqa: BLE001  # any other failure: transient, retried
                failures += 1
                if failures >= MAX_EDIT_FAILURES:
                    log.warning(
                        "%s: giving up after %d failed edits (%s)",
                        self.name,
                        failures,
                        error,
                    )
                    return
                await self._wait(self.interval_s, interruptible=False)
                continue
            failures = 0
            self._shown, self._has_shown = wanted, True
            self._next_edit_at = self._timer.now() + self.interval_s


K = TypeVar("K", bound=Hashable)  # what names a message


class StatusBoard(Generic[K, C]):
    """Many status messages by key, each a StatusEditor through `edit(key, content)`."""

    def __init__(
        self,
        edit: Callable[[K, C], Awaitable[None]],
        interval_s: float,
        timer: Timer | None = None,
    ) -> None:
        self._edit = edit
        self.interval_s = interval_s
        self._timer = timer
        self._editors: dict[K, StatusEditor[C]] = {}

    async def show(self, key: K, content: C, final: bool = False) -> None:
        """Show `content` in message `key` when its interval allows; when `final`, at once and
        for the last time (this waits for that edit)."""
        editor = self._editors.get(key)
        if editor is None:
            editor = StatusEditor(
                functools.partial(self._edit, key),
                self.interval_s,
                self._timer,
                name=f"status message {key!r}",
            )
            self._editors[key] = editor
        if final:
            del self._editors[key]
            await editor.finish(content)
        else:
            editor.show(content)

    def forget(self, key: K) -> None:
        """Drop a message and its waiting edit (e.g. it was deleted); safe from inside an edit."""
        editor = self._editors.pop(key, None)
        if editor is not None:
            editor.abandon()

    async def close(self) -> None:
        """Stop every message's editor without a last edit."""
        editors, self._editors = list(self._editors.values()), {}
        for editor in editors:
            await editor.close()
