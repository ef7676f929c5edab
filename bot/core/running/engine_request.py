"""What the core hands a worker for one job, and what comes back: the queue message types.

The same EngineRequest travels to a local worker process (pickled) and, as `to_dict()`, through
Redis to a remote one (bot.scale.protocol). Its options are `harmonize.options.HarmonizeOptions`,
the engine's one settings schema, so a new engine setting needs no edit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from harmonize.options import HarmonizeOptions
from harmonize.types import Placement, Progress

ProgressCallback = Callable[[Progress], None]
LOCAL_FIELDS = ("painting_path", "object_path", "output_dir")  # paths on one machine only


@dataclass(frozen=True)
class EngineRequest:
    """One job for an engine: where its images are, where results go, placement and options."""

    job_id: str
    painting_path: str
    object_path: str
    output_dir: str
    placement: Placement
    options: HarmonizeOptions
    object_is_cutout: bool = False  # the object file is the finished cut-out (RGBA), else a photo

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (placement and options as dicts)."""
        return {
            "job_id": self.job_id,
            "painting_path": self.painting_path,
            "object_path": self.object_path,
            "output_dir": self.output_dir,
            "placement": dataclasses.asdict(self.placement),
            "options": self.options.to_dict(),
            "object_is_cutout": self.object_is_cutout,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineRequest:
        """Back from `to_dict()`; options missing from `data` take their defaults."""
        return cls(
            job_id=data["job_id"],
            painting_path=data["painting_path"],
            object_path=data["object_path"],
            output_dir=data["output_dir"],
            placement=Placement(**data["placement"]),
            options=HarmonizeOptions.from_dict(data["options"]),
            object_is_cutout=data.get("object_is_cutout", False),
        )


@dataclass(frozen=True)
class WorkerOutcome:
    """How a job ended in the worker: ok, or a user-facing `message` and a traceback `detail`."""

    ok: bool
    message: str = ""
    detail: str | None = None


class EngineUserError(Exception):
    """Raise from an engine to fail the job with this message shown to the user."""


class Engine(Protocol):
    """Runs one job: writes pass1, pass2, final, original and compare PNGs to `output_dir`."""

    def __call__(self, request: EngineRequest, progress: ProgressCallback) -> None:
        """Run `request`, reporting progress; raise EngineUserError or ValueError for the user."""
