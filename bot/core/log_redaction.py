"""No secret in any log line: a filter on the root handlers that blanks every secret the settings hold.

The secrets are the two bot tokens, the remove.bg key and the Redis URL's password. They reach
logs through other people's code (httpx logs every Telegram request URL, which holds the token;
tracebacks and exception arguments quote URLs), so the filter works on the finished text of
every record, whatever the logger, and also on its traceback. httpx's and httpcore's per-request
INFO lines are silenced as well: they say nothing an operator needs.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

from bot.core.settings import BotSettings

REDACTED = "[redacted]"
CHATTY_LOGGERS = ("httpx", "httpcore")  # one INFO line per HTTP request, URL included


def settings_secrets(settings: BotSettings) -> list[str]:
    """Every secret `settings` holds, as the plain strings that must never be logged."""
    secrets = [
        value.get_secret_value()
        for value in (
            settings.discord_token,
            settings.telegram_token,
            settings.remove_bg_api_key,
        )
        if value is not None
    ]
    password = urlsplit(settings.redis_url.get_secret_value()).password
    if password:
        secrets += [
            password,
            unquote(password),
        ]  # as written in the URL, and as Redis gets it
    return secrets


class SecretRedactor(logging.Filter):
    """Replaces each secret (as written, and URL-encoded) in a record's text and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""))}
        self._forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def redact(self, text: str) -> str:
        """`text` with every secret replaced by REDACTED."""
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place (message, traceback, stack); never drops it."""
        if not self._forms:
            return True
        try:
            message = record.getMessage()
        except (
            TypeError,
            ValueError,
        ):  # arguments that do not fit the format: keep both
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str], root: logging.Logger | None = None) -> SecretRedactor:
    """Put one SecretRedactor on every handler of `root` (default: the root logger); quiet httpx.

    Call it after the handlers exist (after `logging.basicConfig`).
    """
    root = root if root is not None else logging.getLogger()
    redactor = SecretRedactor(secrets)
    for handler in root.handlers:
        handler.addFilter(redactor)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return redactor
