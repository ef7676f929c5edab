"""One store's connection to the bot's SQLite file: opened with its PRAGMAs and schema, closed once.

Every table-owning store of the core (chat defaults, press claims, preview limits, the audit log,
blocks, posted results, reports, the picture check's flags) opens the same file the same way;
this holds that once. (One shared connection for all of them is the next step: issue 27.)
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another connection's lock (docs/bot-core.md)
WAL = "journal_mode=WAL"  # readers never block the writer; the mode persists in the file
FOREIGN_KEYS = "foreign_keys=ON"  # per connection: enforces the schema's REFERENCES


class TableConnection:
    """The connection a store opens at `path`: busy timeout, then `pragmas`, then `schema`."""

    def __init__(self, path: Path, schema: str, owner: str, pragmas: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        self.schema = schema
        self.owner = owner  # the store's name, for the error before open()
        self.pragmas = pragmas
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        """Connect in autocommit mode, set the PRAGMAs and create the store's tables."""
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        for pragma in self.pragmas:
            await self._db.execute(f"PRAGMA {pragma}")
        await self._db.executescript(self.schema)

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection; RuntimeError before open()."""
        if self._db is None:
            raise RuntimeError(f"{self.owner}.open() was not called")
        return self._db
