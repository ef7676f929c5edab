"""Errors the core raises to front ends; each message is fit to show the user as is."""

from __future__ import annotations


class BotError(Exception):
    """Base of every user-facing error; `message` (also `str(error)`) is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidImage(BotError):
    """An uploaded image was refused (format, size, pixels, truncated, bomb)."""


class InvalidOptions(BotError):
    """A job option is out of range or unknown (placement, tau, quality)."""


class RateLimited(BotError):
    """Too many jobs in the last hour; `retry_after_s` says when the next one is accepted."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QuotaExceeded(BotError):
    """A daily quota (with `retry_after_s`) or the concurrent-jobs limit (`retry_after_s` None)."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QueueFull(BotError):
    """The global queue is at its cap; try again later."""


class NotAllowed(BotError):
    """The requester may not do this (not the job's owner, not an admin)."""


class JobNotFound(BotError):
    """No job with this id (never existed, expired, or its data was deleted)."""


class ServiceUnavailable(BotError):
    """The service is not running (not started yet, or shutting down)."""
