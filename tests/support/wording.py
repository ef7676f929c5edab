"""What a refusal shown to a person may not contain: CLI flags, array terms, tracebacks."""

from __future__ import annotations

import re

# Words of numpy / Python internals that mean nothing to a user (issue 17: "got shape (1, 1, 3)").
INTERNAL_TERMS = re.compile(
    r"\bshape\b|\bdtype\b|ndarray|\bfloat32\b|\buint8\b|Traceback|"
    r"\(\d+, \d+(, \d+)?\)|Error:|\bNone\b"
)
CLI_FLAG = re.compile(r"(?<!\w)--[a-z]")


def assert_one_clear_line(message: str) -> None:
    """One non-empty line without CLI flags or internals (chat and CLI alike)."""
    assert message.strip() and "\n" not in message.strip(), message
    assert not CLI_FLAG.search(message), f"a CLI flag in: {message}"
    assert not INTERNAL_TERMS.search(message), f"an internal term in: {message}"


# What a library says that a chat user cannot act on (issue 25): MIME types, HTTP client and
# Discord / Telegram error texts.
LIBRARY_TEXT = re.compile(
    r"\b(image|text|application)/[a-z0-9.+-]+|Parsing the server response|error code: \d+|"
    r"Internal Server Error|HTTPException|ClientError"
)


def assert_no_library_text(message: str) -> None:
    """No MIME type, no library or HTTP error text in a message for a chat user."""
    assert not LIBRARY_TEXT.search(message), f"library text in: {message}"
