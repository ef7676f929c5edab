"""The words the Discord front end shows: the status message, the results and the failures."""

from __future__ import annotations

from bot.core import (
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    JobInfo,
    JobProgress,
    JobQueued,
    JobStarted,
    JobStatus,
    LoopState,
    QueueStatus,
    describe_loop_state,
)

STAGES = {  # engine stage -> what the user reads (bot/core/events.py JobProgress)
    "cutout": "cutting the object out",
    "pass1": "pass 1 of 2, placing the object",
    "pass2": "pass 2 of 2, painting it in",
    "post": "final touches",
}
BAR_CELLS = 10
RESULT_LABELS = {  # result file -> its caption, in the order they are attached
    "final": "result",
    "pass1": "pass 1",
    "pass2": "pass 2",
    "original": "naive paste",
    "compare": "side by side",
    "animation": "before and after, animated",
}
GENERIC_APOLOGY = (
    "Sorry, something went wrong on my side. It has been logged for the bot's operator; please try again in a while."
)


def mention(user_id: int | str) -> str:
    """`<@id>`, which Discord shows as the user's name."""
    return f"<@{user_id}>"


def duration(seconds: float) -> str:
    """'42 s', '3 min 5 s' or '1 h 4 min'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def preparing_text(user_id: int) -> str:
    """The status message before the job is queued."""
    return f"⏳ {mention(user_id)}'s harmonization: checking the pictures…"


def progress_bar(percent: float) -> str:
    """A ten-cell bar and the whole percentage, e.g. '▰▰▰▱▱▱▱▱▱▱ 30 %'."""
    percent = min(100.0, max(0.0, percent))
    filled = int(percent // (100 / BAR_CELLS))
    return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {int(percent)} %"


def status_text(event: JobEvent, user_id: int) -> str:
    """The status message's text after `event`."""
    head = f"{mention(user_id)}'s job `{event.job.job_id}`"
    if isinstance(event, JobQueued):
        return f"🕒 {head}: waiting in the queue, position {event.position}."
    if isinstance(event, JobStarted):
        again = f" (again, attempt {event.attempt})" if event.attempt > 1 else ""
        return f"🎨 {head}: started{again}…"
    if isinstance(event, JobProgress):
        stage = STAGES.get(event.stage, event.stage)
        return f"🎨 {head}: {stage}\n{progress_bar(event.percent)}"
    if isinstance(event, JobDone):
        return f"✅ {head}: done in {duration(event.seconds)}; the pictures are below."
    if isinstance(event, JobFailed):
        return f"❌ {head} failed: {event.reason}"
    if isinstance(event, JobCancelled):
        by = "" if event.by_user_id == event.job.user_id else f" by {mention(event.by_user_id)}"
        return f"🚫 {head} was cancelled{by}."
    raise TypeError(f"unknown job event {event!r}")


def results_text(job_id: str, user_id: int, names: list[str], shrunk: bool) -> str:
    """The results message: a mention, then what each attached picture is."""
    captions = ", ".join(f"{index}. {RESULT_LABELS[name]}" for index, name in enumerate(names, start=1))
    note = "\n(Some pictures are JPEGs, to fit this server's upload limit.)" if shrunk else ""
    return f"{mention(user_id)}, your painting is ready (job `{job_id}`): {captions}.{note}"


def too_large_text(job_id: str, user_id: int, limit: int) -> str:
    """Told when the results cannot be made to fit the upload limit at all."""
    return (
        f"{mention(user_id)}, job `{job_id}` is done, but its pictures do not fit this "
        f"channel's upload limit ({limit // 1024} KiB each). Try a channel of a server with a "
        "higher limit, or a direct message with me."
    )


def failed_notice(job_id: str, reason: str) -> str:
    """The failure told to the user alone (ephemeral) or with a mention."""
    return f"Your job `{job_id}` failed: {reason}\nYou can send `/harmonize` again; `/help` explains the options."


def message_link(guild_id: int | None, channel_id: int, message_id: int) -> str:
    """The https link that opens a message in Discord."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def queued_reply(job_id: str, position: int, status_link: str) -> str:
    """The private answer to /harmonize once the job is queued."""
    return (
        f"🕒 Queued as job `{job_id}`, position {position}. [This message]({status_link}) "
        "follows it, and the pictures will be posted in this channel with a mention. "
        f"`/cancel job:{job_id}` stops it."
    )


def job_line(job: JobInfo, now: float) -> str:
    """One of the user's jobs in /queue, e.g. '• `ab12` waiting, position 2 (standard)'."""
    if job.status == JobStatus.QUEUED:
        state = f"waiting, position {job.position}"
    elif job.status == JobStatus.RUNNING:
        state = "running"
    elif job.status == JobStatus.FAILED:
        state = f"failed: {job.error}"
    else:
        state = f"{job.status.value} {duration(now - (job.finished_at or now))} ago"
    return f"• `{job.job_id}` {state} ({job.quality})"


def queue_text(jobs: list[JobInfo], load: QueueStatus, now: float) -> str:
    """/queue: the whole bot's load, then the user's jobs."""
    head = f"The queue: {load.queued} waiting, {load.running} running on {load.workers} worker(s)."
    if not jobs:
        return f"{head}\nYou have no jobs. Start one with `/harmonize`."
    return "\n".join([head, "Your jobs:", *(job_line(job, now) for job in jobs)])


def preview_text(user_id: int | str, state: LoopState, estimate_s: float | None = None) -> str:
    """The preview message: whose it is, its settings, what the buttons do and how long painting takes."""
    takes = "" if estimate_s is None else f" (about {duration(estimate_s)})"
    return (
        f"👀 {mention(user_id)}'s preview ({describe_loop_state(state)}). Move or resize the object, try "
        f"another cut-out, then press **Paint it**{takes}."
    )


def painting_text(user_id: int, job_id: str, state: LoopState, estimate_s: float | None = None) -> str:
    """The preview once Paint it was pressed (its buttons go), with how long the job should take."""
    takes = "" if estimate_s is None else f": about {duration(estimate_s)} once it starts"
    return f"🎨 {mention(user_id)} is painting this as job `{job_id}` ({describe_loop_state(state)}){takes}."


def preview_reply(preview_link: str) -> str:
    """The private answer to /harmonize once the preview is posted."""
    return (
        f"👀 [Your preview]({preview_link}) is in this channel: move or resize the object "
        "with its buttons, then press **Paint it**. Only Paint it counts as a job."
    )


def discarded_text(user_id: int) -> str:
    """The preview once Cancel was pressed."""
    return f"{mention(user_id)} dropped this preview; its pictures are deleted."
