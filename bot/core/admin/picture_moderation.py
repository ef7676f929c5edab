"""The picture check applied: uploads before their preview, results before they are posted.

Front ends ask `judge_uploads` before a preview or a one-shot job, `judge_result` before posting a
result and `judge_again` when they re-post a preview; each answers with a `Showing` (post it as
it is, or as a spoiler) or raises PictureRefused with the line to show. A chat's policy is its
`moderation` default (`/defaults`), else the bot's own for the platform. Previews whose uploads
were flagged stay flagged (SQLite), and so does every job painted from them; a refused picture
is counted for `/stats`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.core.admin.chat_defaults import ChatDefaultsStore
from bot.core.admin.moderation_policy import PictureRefused, Policy, Showing, decide
from bot.core.admin.picture_check import PictureScorer
from bot.core.job_queue.database import Database
from bot.core.jobs import JobRef, Requester
from bot.core.settings import BotSettings


def default_policy(settings: BotSettings, platform: str) -> Policy:
    """The bot's own policy on `platform` (refuse on a platform it has none for)."""
    return {"discord": settings.discord_moderation, "telegram": settings.telegram_moderation}.get(
        platform, Policy.REFUSE
    )


class PictureModeration:
    """Policies, the scorer and the flagged previews (tables of the bot database: job_queue/migrations.py)."""

    def __init__(
        self, settings: BotSettings, database: Database, scorer: PictureScorer, defaults: ChatDefaultsStore
    ) -> None:
        self.settings = settings
        self.database = database
        self.scorer = scorer
        self.defaults = defaults

    async def policy(self, platform: str, chat_id: str) -> Policy:
        """The policy in force in a chat: its admins' choice, else the bot's own."""
        chosen = (await self.defaults.get(platform, chat_id)).moderation
        return Policy(chosen) if chosen is not None else default_policy(self.settings, platform)

    async def flagged(self, pictures: Sequence[bytes]) -> bool:
        """Whether any of the pictures scores at or above the threshold (the model runs in a thread)."""
        for data in pictures:
            if await asyncio.to_thread(self.scorer, data) >= self.settings.picture_threshold:
                return True
        return False

    async def judge_uploads(
        self, requester: Requester, pictures: Sequence[bytes], age_restricted: bool, now: float
    ) -> Showing:
        """How to show what is made from these uploads in the requester's chat; raises PictureRefused."""
        policy = await self.policy(requester.platform, requester.chat_id)
        flagged = policy is not Policy.OFF and await self.flagged(pictures)
        return await self._decide(requester.platform, requester.chat_id, policy, flagged, age_restricted, now)

    async def judge_result(
        self, ref: JobRef, final: bytes, inputs_flagged: bool, age_restricted: bool, now: float
    ) -> Showing:
        """How to post a finished job's pictures (its final scored, or its uploads already flagged)."""
        policy = await self.policy(ref.platform, ref.chat_id)
        flagged = policy is not Policy.OFF and (inputs_flagged or await self.flagged([final]))
        return await self._decide(ref.platform, ref.chat_id, policy, flagged, age_restricted, now)

    async def judge_again(
        self, platform: str, chat_id: str, session_id: str, age_restricted: bool, now: float
    ) -> Showing:
        """How to show a preview again (after a move): as its uploads were judged, under today's policy."""
        policy = await self.policy(platform, chat_id)
        flagged = await self.session_flagged(session_id)
        return await self._decide(platform, chat_id, policy, flagged, age_restricted, now)

    async def flag_session(self, session_id: str, now: float) -> None:
        """Remember that a preview's uploads were flagged (its later jobs are, too)."""
        await self.database.write("INSERT OR IGNORE INTO flagged_sessions VALUES (?, ?)", (session_id, now))

    async def forget_ended_sessions(self) -> int:
        """Drop the flags of previews that no longer exist (expired, cancelled or deleted); return
        how many. A job keeps its own flag in its context, so nothing later reads these."""
        return await self.database.write(
            "DELETE FROM flagged_sessions WHERE session_id NOT IN (SELECT id FROM loop_sessions)"
        )

    async def session_flagged(self, session_id: str) -> bool:
        """Whether a preview's uploads were flagged."""
        record = await self.database.fetch_one("SELECT 1 FROM flagged_sessions WHERE session_id = ?", (session_id,))
        return record is not None

    async def refused_since(self, since: float, platform: str, chat_id: str) -> int:
        """How many pictures were refused in a chat since `since` (Unix seconds)."""
        query = "SELECT COUNT(*) FROM refused_pictures WHERE at >= ? AND platform = ? AND chat_id = ?"
        row = await self.database.fetch_one(query, (since, platform, chat_id))
        return int(row[0]) if row else 0

    async def _decide(
        self, platform: str, chat_id: str, policy: Policy, flagged: bool, age_restricted: bool, now: float
    ) -> Showing:
        """decide(), counting a refusal."""
        try:
            return decide(policy, flagged, age_restricted)
        except PictureRefused:
            await self.database.write("INSERT INTO refused_pictures VALUES (?, ?, ?)", (platform, chat_id, now))
            raise
