"""The platform-neutral bot core: front ends use HarmonizeService and these names only.

The caller builds the JobRunner (bot.job_runners.make_runner) and hands it to the service.
"""

from bot.core.errors import (
    BotError,
    InvalidImage,
    InvalidOptions,
    JobNotFound,
    NotAllowed,
    QueueFull,
    QuotaExceeded,
    RateLimited,
    ServiceUnavailable,
)
from bot.core.events import (
    EventCallback,
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    JobProgress,
    JobQueued,
    JobStarted,
)
from bot.core.job_spec import MAX_TAU, MIN_HEIGHT
from bot.core.jobs import JobFiles, JobInfo, JobOptions, JobRef, JobStatus, Requester, Submission
from bot.core.limits import CHAT_SCOPED, MAX_LIMIT, LimitName, Limits, parse_limit_value
from bot.core.service import HarmonizeService, QueueStatus
from bot.core.settings import BotSettings, Preset

__all__ = [
    "BotError",
    "BotSettings",
    "CHAT_SCOPED",
    "EventCallback",
    "HarmonizeService",
    "InvalidImage",
    "InvalidOptions",
    "JobCancelled",
    "JobDone",
    "JobEvent",
    "JobFailed",
    "JobFiles",
    "JobInfo",
    "JobNotFound",
    "JobOptions",
    "JobProgress",
    "JobQueued",
    "JobRef",
    "JobStarted",
    "JobStatus",
    "LimitName",
    "Limits",
    "MAX_LIMIT",
    "MAX_TAU",
    "MIN_HEIGHT",
    "NotAllowed",
    "Preset",
    "QueueFull",
    "QueueStatus",
    "QuotaExceeded",
    "RateLimited",
    "Requester",
    "ServiceUnavailable",
    "Submission",
    "parse_limit_value",
]
