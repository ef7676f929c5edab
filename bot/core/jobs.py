"""Plain data types a front end hands to the core and gets back: who asks, what, and job state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Literal

from harmonize.types import Placement


@dataclass(frozen=True)
class Requester:
    """Who is asking: platform ("discord" | "telegram" | ...), user id, chat or guild id.

    `is_platform_admin` is the front end's own judgement (Discord Manage Server, Telegram chat
    admin) and makes the requester an admin of `chat_id` only; bot owners come from settings.
    """

    platform: str
    user_id: str
    chat_id: str
    is_platform_admin: bool = False


@dataclass(frozen=True)
class JobOptions:
    """What the user chose: placement as fractions of the painting, tau and quality.

    x, y: the object's centre in [0, 1]; height: its height as a fraction of the painting's
    height in (0, 1]; tau: pass-2 style weight > 0 or "auto", None for the engine default;
    quality: a quality name from settings, None for the default quality; likeness: how
    much of the object's own look to keep, in [0, 1]; seed: the random seed (None: defaults).
    """

    x: float = Placement.x  # the engine's default placement, the one definition
    y: float = Placement.y
    height: float = Placement.height
    tau: float | Literal["auto"] | None = None
    quality: str | None = None
    likeness: float | None = None
    seed: int | None = None


@dataclass(frozen=True)
class CheckedPicture:
    """A picture the bot already checked and keeps in a file named `<anything>.<format>` (a chat
    session's painting): a job made from it links the file instead of decoding and storing it again."""

    path: Path

    @property
    def format(self) -> str:
        """The format the check found ("png", "jpeg" or "webp"), kept as the file's suffix."""
        return self.path.suffix.removeprefix(".")


@dataclass(frozen=True)
class Submission:
    """A job the queue accepted: its id and its 1-based position in the queue."""

    job_id: str
    position: int


class JobStatus(str, Enum):
    """Where a job is in its life; done, failed and cancelled are final."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """True for done, failed and cancelled."""
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True)
class JobRef:
    """Enough to route a job's events: its id, owner, chat and the front end's own `context`."""

    job_id: str
    platform: str
    user_id: str
    chat_id: str
    context: str = ""


@dataclass(frozen=True)
class JobFiles:
    """A finished job's PNG files (kept for the retention time from settings).

    pass1, pass2: the two passes; final: the post-processed result (pass 2 when the quality skips
    post-processing); original: the naive cut-and-paste; compare: side-by-side panel.
    """

    pass1: Path
    pass2: Path
    final: Path
    original: Path
    compare: Path


@dataclass(frozen=True)
class JobInfo:
    """A snapshot of one job. `position` is 1-based while queued, else None.

    Times are Unix seconds; `files` is set when done, `error` (a user-facing reason) when failed,
    `cancelled_by` (a user id) when cancelled.
    """

    ref: JobRef
    status: JobStatus
    position: int | None
    quality: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    attempts: int
    files: JobFiles | None
    error: str | None
    cancelled_by: str | None

    @property
    def job_id(self) -> str:
        """The job's id."""
        return self.ref.job_id
