"""The platform-neutral bot core: front ends use HarmonizeService and these names only.

The caller builds the JobRunner (bot.job_runners.make_runner) and hands it to the service.
"""

from bot.core.admin.chat_defaults import NAMES as CHAT_DEFAULT_NAMES
from bot.core.admin.chat_defaults import ChatDefaults
from bot.core.admin.moderation_policy import POLICY_NAMES, PictureRefused, Policy, Showing
from bot.core.admin.reports import DECISION_PATTERN, REPORT_PATTERN, Report, decision_data, parse_decision, report_data
from bot.core.admin.stats import Stats, chat_stats
from bot.core.chat.actions import CANCEL_PATTERN, Action, Press, cancel_data, parse_cancel, parse_press
from bot.core.chat.actions import PATTERN as PRESS_PATTERN
from bot.core.chat.animation import before_after_gif
from bot.core.chat.loop import ChatLoop, Discarded, Painting, PressOutcome, PreviewShown
from bot.core.chat.loop_state import (
    DEFAULT_LIKENESS,
    DEFAULT_STRENGTH,
    STRENGTHS,
    LoopState,
    strength_name,
    strength_tau,
    upgraded,
)
from bot.core.chat.loop_state import describe as describe_loop_state
from bot.core.chat.posted_results import PostedMessage
from bot.core.chat.result_info import result_info
from bot.core.chat.self_service import (
    DELETE_PATTERN,
    INFO_PATTERN,
    Quota,
    delete_data,
    info_data,
    info_text,
    parse_delete,
    parse_info,
)
from bot.core.chat.shown_names import shown_name
from bot.core.chat.status_editor import CannotEdit, RetryLater, StatusBoard, StatusEditor, Timer
from bot.core.chat.stored_context import StoredContext
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
from bot.core.job_queue.job_spec import MAX_TAU, MIN_HEIGHT
from bot.core.job_queue.limits import CHAT_SCOPED, MAX_LIMIT, LimitName, Limits, parse_limit_value
from bot.core.jobs import JobFiles, JobInfo, JobOptions, JobRef, JobStatus, Requester, Submission
from bot.core.service import HarmonizeService, QueueStatus
from bot.core.settings import BotSettings, Quality

__all__ = [
    "Action",
    "before_after_gif",
    "BotError",
    "BotSettings",
    "cancel_data",
    "CANCEL_PATTERN",
    "CannotEdit",
    "CHAT_DEFAULT_NAMES",
    "CHAT_SCOPED",
    "ChatDefaults",
    "ChatLoop",
    "chat_stats",
    "DEFAULT_LIKENESS",
    "DECISION_PATTERN",
    "decision_data",
    "DEFAULT_STRENGTH",
    "DELETE_PATTERN",
    "delete_data",
    "describe_loop_state",
    "Discarded",
    "EventCallback",
    "HarmonizeService",
    "info_data",
    "INFO_PATTERN",
    "info_text",
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
    "LoopState",
    "MAX_LIMIT",
    "MAX_TAU",
    "MIN_HEIGHT",
    "NotAllowed",
    "Painting",
    "PictureRefused",
    "Policy",
    "PostedMessage",
    "POLICY_NAMES",
    "parse_cancel",
    "parse_decision",
    "parse_delete",
    "parse_info",
    "parse_limit_value",
    "parse_press",
    "Quality",
    "Press",
    "PRESS_PATTERN",
    "PressOutcome",
    "PreviewShown",
    "QueueFull",
    "Quota",
    "QueueStatus",
    "QuotaExceeded",
    "RateLimited",
    "Report",
    "report_data",
    "REPORT_PATTERN",
    "Requester",
    "result_info",
    "RetryLater",
    "ServiceUnavailable",
    "shown_name",
    "Showing",
    "Stats",
    "StatusBoard",
    "StatusEditor",
    "StoredContext",
    "strength_name",
    "strength_tau",
    "STRENGTHS",
    "Submission",
    "Timer",
    "upgraded",
]
