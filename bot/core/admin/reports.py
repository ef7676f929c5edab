"""The Report button under every result: the result is hidden (spoiler) and sent, with its inputs'
thumbnails, its job id and its maker's id, to the moderation channel or chat a chat's admins chose
(`/reports here`, or on Telegram `/reports CHAT_ID`), where an admin keeps or removes it.

Kept in SQLite: where each chat's reports go, and each report (open, kept or removed) with the
front end's own string saying where the result's message is. Button ids: `rp|<job>` (Report),
`rk|<job>` (Keep), `rx|<job>` (Remove).
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from bot.core.errors import InvalidOptions, NotAllowed
from bot.core.jobs import JobInfo, JobStatus, Requester

if TYPE_CHECKING:
    from bot.core.chat.loop import ChatLoop
    from bot.core.service import HarmonizeService

REPORT_PATTERN = r"^rp\|(?P<job>[0-9a-f]{1,20})$"
DECISION_PATTERN = r"^r(?P<verdict>[kx])\|(?P<job>[0-9a-f]{1,20})$"  # k: keep, x: remove
_DECISION = re.compile(DECISION_PATTERN)
THUMBNAIL_SIDE = 256  # px, the longest side of the inputs' thumbnails sent to the admins
OPEN, KEPT, REMOVED = "open", "kept", "removed"
ADMINS_ONLY = "Only admins can decide on a report."
NOT_A_RESULT = "Only a finished result can be reported."


def report_data(job_id: str) -> str:
    """The Report button's id."""
    return f"rp|{job_id}"


def decision_data(job_id: str, keep: bool) -> str:
    """The Keep (`keep`) or Remove button's id under a report."""
    return f"r{'k' if keep else 'x'}|{job_id}"


def parse_decision(data: str) -> tuple[str, bool] | None:
    """(job id, keep) of a Keep or Remove button's id; None if it is not one."""
    match = _DECISION.match(data)
    return (match["job"], match["verdict"] == "k") if match else None


@dataclass(frozen=True)
class Report:
    """One report: the job, who reported it, where it was sent (None: nowhere set), where the
    result's message is (the front end's string), and its status (open, kept, removed)."""

    job: JobInfo
    reporter_id: str
    destination: str | None
    result_place: str
    status: str


def thumbnail(path: Path) -> bytes:
    """A picture file as a JPEG whose longest side is at most THUMBNAIL_SIDE."""
    with Image.open(path) as image:
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class Reports:
    """Report destinations and reports: tables of the service's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, service: HarmonizeService, clock: Callable[[], float]) -> None:
        self.service = service
        self.clock = clock
        self.database = service.database

    async def set_destination(self, requester: Requester, destination: str | None) -> None:
        """Send the requester's chat's reports to `destination` (None: nowhere); its admins only."""
        if not self.service.is_admin_of(requester, requester.platform, requester.chat_id):
            raise NotAllowed("Only admins of this chat can choose where its reports go.")
        key = (requester.platform, requester.chat_id)
        if destination is None:
            await self.database.write("DELETE FROM report_destinations WHERE platform = ? AND chat_id = ?", key)
        else:
            await self.database.write(
                "INSERT OR REPLACE INTO report_destinations VALUES (?, ?, ?)", (*key, destination)
            )
        where = "nowhere" if destination is None else destination
        await self.service.audit.record(requester, f"sent this chat's reports to {where}", self.clock())

    async def destination(self, platform: str, chat_id: str) -> str | None:
        """Where a chat's reports go; None when its admins chose nowhere."""
        row = await self.database.fetch_one(
            "SELECT destination FROM report_destinations WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return str(row[0]) if row else None

    async def file(self, requester: Requester, job_id: str, result_place: str) -> tuple[Report, bool]:
        """Report a finished result (anyone in the chat but blocked members); returns the report and
        whether it is new (an open report of it is returned as it is). Raises Blocked, JobNotFound
        or InvalidOptions."""
        await self.service.blocks.check(requester)
        job = await self.service.get_job(job_id)
        if job.status is not JobStatus.DONE:
            raise InvalidOptions(NOT_A_RESULT)
        known = await self.get(job_id)
        if known is not None and known.status == OPEN:
            return known, False
        destination = await self.destination(job.ref.platform, job.ref.chat_id)
        await self.database.write(
            "INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                job_id,
                job.ref.platform,
                job.ref.chat_id,
                requester.user_id,
                destination,
                result_place,
                OPEN,
                self.clock(),
            ),
        )
        return Report(job, requester.user_id, destination, result_place, OPEN), True

    async def get(self, job_id: str) -> Report | None:
        """The report of a job, if any (None also once the job is gone)."""
        row = await self.database.fetch_one(
            "SELECT reporter_id, destination, result_place, status FROM reports WHERE job_id = ?", (job_id,)
        )
        if row is None:
            return None
        job = await self.service.get_job(job_id)
        return Report(job, row[0], row[1], row[2], row[3])

    async def decide(self, requester: Requester, job_id: str, keep: bool) -> Report:
        """Keep (un-hide) or remove (delete its pictures) a reported result.

        Allowed to the bot's owners, admins of the reported result's chat and admins of the chat
        the report was sent to (which that chat's admins chose). Raises NotAllowed or JobNotFound.
        """
        report = await self.get(job_id)
        if report is None:
            raise InvalidOptions("This report was already decided, or its result is gone.")
        ref = report.job.ref
        source_admin = self.service.is_admin_of(requester, ref.platform, ref.chat_id)
        at_destination = requester.chat_id == report.destination and requester.is_platform_admin
        if not (source_admin or at_destination or self.service.is_owner(requester)):
            raise NotAllowed(ADMINS_ONLY)
        status = KEPT if keep else REMOVED
        await self.database.write("UPDATE reports SET status = ? WHERE job_id = ?", (status, job_id))
        verdict = "kept" if keep else "removed"
        await self.service.audit.record(
            Requester(ref.platform, requester.user_id, ref.chat_id), f"{verdict} reported job {job_id}", self.clock()
        )
        if not keep:
            # the decider's authority was checked above; delete_result asks for the result's chat's admins
            await self.service.delete_result(job_id, Requester(ref.platform, requester.user_id, ref.chat_id, True))
        return Report(report.job, report.reporter_id, report.destination, report.result_place, status)

    async def forget_gone_results(self) -> int:
        """Drop the reports of results that no longer exist (expired or deleted); return how many.

        Nothing can be decided on a result that is gone, and the row holds who reported it; the
        audit log keeps the decisions (bot/core/admin/audit_log.py)."""
        return await self.database.write("DELETE FROM reports WHERE job_id NOT IN (SELECT id FROM jobs)")

    async def hidden(self, job_id: str) -> bool:
        """Whether a result is hidden by an open report."""
        return (
            await self.database.fetch_one("SELECT 1 FROM reports WHERE job_id = ? AND status = ?", (job_id, OPEN))
            is not None
        )

    async def thumbnails(self, report: Report, chat_loop: ChatLoop) -> list[bytes]:
        """The reported result's final picture, then its inputs' thumbnails: the preview's two
        uploads while the loop keeps them, else the naive paste (a one-shot job's are deleted)."""
        files = report.job.files
        assert files is not None  # a reported job is done
        paths = [files.final]
        job = await chat_loop.job(report.job.job_id)
        session = await chat_loop.sessions.get(job.session_id) if job is not None else None
        if session is not None and session.painting_path.is_file() and session.object_path.is_file():
            paths += [session.painting_path, session.object_path]
        else:
            paths.append(files.original)
        return [await asyncio.to_thread(thumbnail, path) for path in paths]
