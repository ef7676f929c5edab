"""A front end's context of a job (where its messages live) as the JSON string the core stores.

The core keeps it in the job's row (`JobRef.context`) without reading it, so results still reach
the right chat after a restart. Each front end's context is a frozen dataclass of integer ids.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TypeVar

C = TypeVar("C", bound="StoredContext")


class StoredContext:
    """Mix-in for a frozen dataclass whose fields are ints (or None): `to_json` and `from_json`."""

    def to_json(self) -> str:
        """A short JSON string for `HarmonizeService.submit(context=...)`."""
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))  # type: ignore[call-overload]

    @classmethod
    def from_json(cls: type[C], text: str) -> C | None:
        """What `to_json` wrote; None for anything else (another platform's job, another version's)."""
        try:
            data = json.loads(text)
            values: dict[str, Any] = {}
            for field in dataclasses.fields(cls):  # type: ignore[arg-type]
                if field.name not in data and field.default is not dataclasses.MISSING:
                    continue
                value = data[field.name]
                values[field.name] = None if value is None else int(value)
            return cls(**values)
        except (ValueError, TypeError, KeyError):
            return None
