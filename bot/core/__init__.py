"""The platform-neutral bot core: front ends use HarmonizeService and these types only."""

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
from bot.core.jobs import JobFiles, JobInfo, JobOptions, JobRef, JobStatus, Requester, Submission
from bot.core.limits import Limits, LimitName
from bot.core.service import HarmonizeService, QueueStatus
from bot.core.settings import BotSettings, Preset

__all__ = [
    "BotError", "BotSettings", "EventCallback", "HarmonizeService", "InvalidImage",
    "InvalidOptions", "JobCancelled", "JobDone", "JobEvent", "JobFailed", "JobFiles", "JobInfo",
    "JobNotFound", "JobOptions", "JobProgress", "JobQueued", "JobRef", "JobStarted", "JobStatus",
    "LimitName", "Limits", "NotAllowed", "Preset", "QueueFull", "QueueStatus", "QuotaExceeded",
    "RateLimited", "Requester", "ServiceUnavailable", "Submission",
]
