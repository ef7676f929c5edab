"""A user's file name, made safe to echo in a chat message (issue 25, item 10).

A file name is the user's text: on Discord `[x](https://…)` is a link and `@everyone` a mention,
on both platforms control characters and right-to-left marks reorder the line. What is echoed
keeps letters, digits, spaces and `. - _ ( ) +`; anything else becomes `_`, and a long name is
cut, so a refusal reads "evil_here_.png is not an image", never a link or a ping.
"""

from __future__ import annotations

import re

SHOWN_CHARS = 60  # a name longer than this is cut, keeping its end (the extension)
_UNSAFE = re.compile(r"[^\w .()+-]")  # \w: letters and digits of any script, and "_"


def shown_name(name: str) -> str:
    """`name` with every character that could format, link or mention replaced by `_`."""
    safe = _UNSAFE.sub("_", name).strip() or "file"
    return safe if len(safe) <= SHOWN_CHARS else "…" + safe[-(SHOWN_CHARS - 1) :]
