"""What the bot says: help, prompts, job status lines, queue and limit listings (plain text)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import JobInfo, JobStatus, Limits, QueueStatus
from bot.telegram.incoming_pictures import DOWNLOAD_LIMIT_BYTES

STAGES = {  # engine stage -> what the user reads
    "cutout": "Cutting the object out",
    "pass1": "Pass 1 of 2 (blending in)",
    "pass2": "Pass 2 of 2 (painting in)",
    "post": "Finishing touches",
}


def help_text(qualities: Sequence[str], default_quality: str, max_image_bytes: int) -> str:
    """The /help (and /start) message."""
    limit = min(max_image_bytes, DOWNLOAD_LIMIT_BYTES) / 1e6
    return (
        "I paste an object from a photo into a painting so that it looks painted in "
        "(Deep Painterly Harmonization).\n\n"
        "1. Send /harmonize.\n"
        "2. Send the painting, then the photo of the object (its background is removed for "
        "you; a PNG with transparency is used as is). Both in one album works too.\n"
        "3. I show a preview within seconds: the object cut out and placed. Move it, resize "
        "it or try another cut-out with the buttons, then press Paint it (only that counts as a "
        "job).\n"
        "4. I reply with a status message, then the result: pass 1, pass 2, the final "
        "picture and the naive paste, a side-by-side, and an animated before and after whose "
        "buttons go on from there: move, lighter or stronger style, more or less like the "
        "photo, a better quality, another seed.\n\n"
        "Photos or files? Telegram shrinks and recompresses photos; send the images as files "
        f"(documents) to keep their full resolution. Files up to {limit:g} MB.\n\n"
        "Options, as arguments or with the buttons under my prompt:\n"
        "  /harmonize x=0.5 y=0.6 height=0.3 strength=5 quality=draft\n"
        "  x, y: where the object's centre goes (0 to 1, from the left and from the top)\n"
        "  height: the object's height as a fraction of the painting's\n"
        "  strength: style strength, 1 to 10, or auto\n"
        f"  quality: {', '.join(qualities)} (default {default_quality})\n"
        "You can also send the painting with /harmonize and its options as the caption.\n\n"
        "In groups, reply to my prompt with the images.\n\n"
        "/queue: your jobs and the queue\n"
        "/cancel: stop what you started here (or /cancel JOB_ID)\n"
        "/deletemydata: delete all your jobs and images\n"
        "/limits: the limits here; admins: /limits set NAME VALUE, /limits reset NAME\n"
        "/defaults: what new previews start with here; admins: /defaults set NAME VALUE\n"
        "/quota: the jobs you can still start here, and your place in the queue\n"
        "Under every result: Info (its settings), Delete (yours), Report (hides it for the admins)\n"
        "Admins: /block and /unblock (reply to the member), /audit, /stats, /reports CHAT_ID"
    )


def prompt_text(options_line: str, received: int, in_group: bool) -> str:
    """The /harmonize prompt, with what is still missing."""
    wanted = "the painting" if received == 0 else "the photo of the object"
    how = "Reply to this message with" if in_group else "Send"
    return f"{how} {wanted} (as a photo, or as a file for full resolution).\nOptions: {options_line}"


def queued_text(job_id: str, position: int) -> str:
    """Status while waiting."""
    return f"Job {job_id}: waiting in the queue, position {position}."


def started_text(job_id: str, attempt: int) -> str:
    """Status when a worker picks the job up."""
    again = f" (attempt {attempt}, after a restart)" if attempt > 1 else ""
    return f"Job {job_id}: started{again}."


def progress_text(job_id: str, stage: str, percent: float) -> str:
    """Status during a stage, e.g. "Job ab12: Pass 1 of 2 (blending in), 40 %"."""
    return f"Job {job_id}: {STAGES.get(stage, stage)}, {percent:.0f} %."


def done_text(job_id: str, seconds: float) -> str:
    """Status once the results are posted."""
    return f"Job {job_id}: done in {seconds:.0f} s. The pictures are below."


def failed_text(job_id: str, reason: str) -> str:
    """Status of a failed job."""
    return f"Job {job_id} failed: {reason}"


def cancelled_text(job_id: str, by_owner: bool) -> str:
    """Status of a cancelled job."""
    return f"Job {job_id}: cancelled{'' if by_owner else ' by an admin'}."


def queue_text(jobs: Sequence[JobInfo], status: QueueStatus) -> str:
    """/queue: the bot's load, then the requester's jobs."""
    lines = [f"Queue: {status.queued} waiting, {status.running} running on {status.workers} worker(s)."]
    if not jobs:
        lines.append("You have no jobs here.")
    for job in jobs:
        state = f"waiting, position {job.position}" if job.status == JobStatus.QUEUED else job.status.value
        lines.append(f"{job.job_id}: {state} ({job.quality})")
    return "\n".join(lines)


def limits_text(chat_limits: Limits, global_limits: Limits, user_id: int) -> str:
    """/limits: every limit in force in this chat, the global value when it differs, and the
    sender's user id (what PAINTERLY_OWNERS needs)."""
    lines = ["Limits in this chat:"]
    for name in Limits.names():
        here, everywhere = getattr(chat_limits, name), getattr(global_limits, name)
        lines.append(f"{name} = {here}" + ("" if here == everywhere else f" (global {everywhere})"))
    lines.append("Admins: /limits set NAME VALUE, /limits reset NAME (owners add 'global' to change every chat's).")
    lines.append(f"Your Telegram user id: {user_id}.")
    return "\n".join(lines)
