"""What the core and its remote workers exchange through Redis: key names, the job order, the
report, and the JSON coding arq uses for both.

Every key of one bot starts with its queue name (PAINTERLY_REDIS_QUEUE), so several bots can
share a Redis server. Images travel as keys of their own with a time to live, never inside a
queue message (docs/bot-conventions.md §5).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from arq.connections import RedisSettings

from bot.core.running.engine_request import LOCAL_FIELDS, EngineRequest
from bot.core.settings import BotSettings

JOB_FUNCTION = "harmonize"  # the arq function every worker registers
BLOB_TTL_S = 86_400  # as long as arq keeps an unstarted job (arq.constants.expires_extra_ms)
RESULT_TTL_S = 3_600  # arq's default keep_result; the core deletes a report once it has read it


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one run (one try of one job)."""

    base: str

    @property
    def lease(self) -> str:
        """Set by the worker that runs it, renewed while it lives; its expiry means death."""
        return f"{self.base}:lease"

    @property
    def cancel(self) -> str:
        """Set by the core to stop the run."""
        return f"{self.base}:cancel"

    def input(self, name: str) -> str:
        """An uploaded image ("painting" or "object")."""
        return f"{self.base}:in:{name}"

    def output(self, name: str) -> str:
        """A result PNG ("final", "pass1", ...)."""
        return f"{self.base}:out:{name}"


@dataclass(frozen=True)
class QueueKeys:
    """The Redis names of one bot's queue, workers and progress channel, under `prefix`."""

    prefix: str

    @property
    def queue(self) -> str:
        """arq's sorted set of waiting and running job ids."""
        return f"{self.prefix}:queue"

    @property
    def progress(self) -> str:
        """The pub/sub channel of progress messages."""
        return f"{self.prefix}:progress"

    @property
    def runs_pattern(self) -> str:
        """Matches every run key."""
        return f"{self.prefix}:run:*"

    @property
    def workers_pattern(self) -> str:
        """Matches every live worker's key."""
        return f"{self.prefix}:worker:*"

    def core(self, core_id: str) -> str:
        """A bot process's key, expiring unless renewed: the runs it started are its own."""
        return f"{self.prefix}:core:{core_id}"

    def worker(self, name: str) -> str:
        """A worker's key: its engine-process count, expiring unless renewed."""
        return f"{self.prefix}:worker:{name}"

    def run(self, run_id: str) -> RunKeys:
        """The keys of one run."""
        return RunKeys(f"{self.prefix}:run:{run_id}")

    def run_of(self, key: str) -> str:
        """The run id in one of `run()`'s keys."""
        return key.removeprefix(f"{self.prefix}:run:").split(":")[0]


def run_id_for(job_id: str, core_id: str) -> str:
    """A new run id of a job, naming the bot process that started it: JOB-CORE-RANDOM."""
    return f"{job_id}-{core_id}-{secrets.token_hex(4)}"


def core_of(run_id: str) -> str:
    """The id of the bot process that started a run ("" for a run id of another form)."""
    parts = run_id.split("-")
    return parts[1] if len(parts) == 3 else ""


class RunStatus(str, Enum):
    """How a run ended in its worker."""

    OK = "ok"
    FAILED = "failed"  # the engine refused or failed: `message` is for the user
    KILLED = "killed"  # the core cancelled it
    TIMED_OUT = "timed_out"
    CRASHED = "crashed"  # the engine process died under it


@dataclass(frozen=True)
class RunOrder:
    """One run as queued for a worker: the engine request without local paths, the input file
    names, and the limits the core wants."""

    run_id: str
    request: dict[str, Any]  # EngineRequest.to_dict() except its LOCAL_FIELDS
    inputs: dict[str, str]  # "painting" / "object" -> file name with its extension
    timeout_s: float
    progress_interval_s: float

    @classmethod
    def for_request(cls, run_id: str, request: EngineRequest, timeout_s: float, progress_interval_s: float) -> RunOrder:
        """The order for a core-side request (its paths stay on the core's machine)."""
        fields = {k: v for k, v in request.to_dict().items() if k not in LOCAL_FIELDS}
        inputs = {"painting": Path(request.painting_path).name, "object": Path(request.object_path).name}
        return cls(run_id, fields, inputs, timeout_s, progress_interval_s)

    def engine_request(self, folder: Path) -> EngineRequest:
        """The request for this worker: inputs in `folder`, results to `folder`/output.

        Raises harmonize.options.OptionsError (a ValueError) for options this worker's engine
        does not know or accept.
        """
        return EngineRequest.from_dict(
            {
                **self.request,
                "painting_path": str(folder / self.inputs["painting"]),
                "object_path": str(folder / self.inputs["object"]),
                "output_dir": str(folder / "output"),
            }
        )

    def to_wire(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RunOrder:
        """Back from `to_wire`'s dict."""
        return cls(**data)


@dataclass(frozen=True)
class RunReport:
    """What a worker returns for a run: its status, and for FAILED a user message and detail."""

    status: RunStatus
    message: str = ""
    detail: str | None = field(default=None, repr=False)

    def to_wire(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"status": self.status.value, "message": self.message, "detail": self.detail}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RunReport:
        """Back from `to_wire`'s dict; raises ValueError for an unknown status."""
        return cls(RunStatus(data["status"]), data.get("message", ""), data.get("detail"))


def dumps(value: Any) -> bytes:
    """arq's job and result serializer: JSON, so no worker unpickles what is in Redis."""
    return json.dumps(value).encode()


def loads(data: bytes) -> Any:
    """arq's job and result deserializer."""
    return json.loads(data)


def redis_settings(settings: BotSettings) -> RedisSettings:
    """arq's connection settings from PAINTERLY_REDIS_URL, its user name and password decoded.

    A password with `@`, `/` or `:` must be percent-encoded in the URL; arq's `from_dsn` passes
    it on still encoded (redis-py's `from_url` decodes it), so Redis refused it (issue 25, item 6).
    """
    url = settings.redis_url.get_secret_value()
    parts = urlsplit(url)
    return replace(
        RedisSettings.from_dsn(url),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def redis_address(settings: BotSettings) -> str:
    """host:port/db of PAINTERLY_REDIS_URL, without its password, for messages and logs."""
    parts = urlsplit(settings.redis_url.get_secret_value())
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"
