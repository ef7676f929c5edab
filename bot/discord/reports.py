"""The Report button under every result on Discord, and Keep / Remove under each report.

Report re-uploads the result's pictures as spoilers and posts the result, its inputs'
thumbnails, the job id and its maker to the channel the server's admins chose (`/reports here`);
Keep shows the result again, Remove deletes it and its pictures (bot/core/admin/reports.py).
"""

from __future__ import annotations

import asyncio
import io
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.core import (
    DECISION_PATTERN,
    REPORT_PATTERN,
    BotError,
    ChatLoop,
    JobDone,
    Report,
    decision_data,
    parse_decision,
    report_data,
)
from bot.discord.job_context import JobContext, requester_of
from bot.discord.job_updates import read_results
from bot.discord.result_pictures import DEFAULT_FILE_LIMIT, fit_uploads, per_file_budget
from bot.discord.texts import mention

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

NO_PINGS = discord.AllowedMentions.none()
ROW = 3  # with Info and Delete (bot/discord/result_extras.py)
HIDDEN = "Thanks: the result is hidden until an admin decides."
NOWHERE = " (This server's admins have not chosen a channel for reports yet: /reports here.)"


class ReportButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=REPORT_PATTERN):
    """Report: hide the result and tell the admins."""

    def __init__(self, job_id: str) -> None:
        super().__init__(discord.ui.Button(label="Report", custom_id=report_data(job_id), row=ROW))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReportButton:
        """Rebuild the button from its custom id."""
        return cls(match["job"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the press to the bot's reports."""
        await cast("PainterlyBot", interaction.client).reports.on_report(interaction, self.job_id)


class DecisionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DECISION_PATTERN):
    """Keep or Remove under a report in the moderation channel."""

    def __init__(self, job_id: str, keep: bool) -> None:
        style = discord.ButtonStyle.success if keep else discord.ButtonStyle.danger
        label = "Keep" if keep else "Remove"
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=decision_data(job_id, keep)))
        self.job_id, self.keep = job_id, keep

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DecisionButton:
        """Rebuild the button from its custom id."""
        parsed = parse_decision(match.string)
        assert parsed is not None  # the template matched
        return cls(*parsed)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the decision to the bot's reports."""
        await cast("PainterlyBot", interaction.client).reports.on_decision(interaction, self.job_id, self.keep)


def report_text(report: Report) -> str:
    """The report's message in the moderation channel."""
    return (
        f"Report on job `{report.job.job_id}`: made by {mention(report.job.ref.user_id)} (id "
        f"{report.job.ref.user_id}), reported by {mention(report.reporter_id)}. The result is hidden "
        "until an admin decides. The pictures: the result, then what it was made from."
    )


class DiscordReports:
    """Report presses and decisions, over the core's Reports."""

    def __init__(self, bot: PainterlyBot, chat_loop: ChatLoop) -> None:
        self.bot = bot
        self.chat_loop = chat_loop
        self.reports = chat_loop.reports

    async def on_report(self, interaction: discord.Interaction, job_id: str) -> None:
        """Hide the result, tell the admins, thank the reporter (privately)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.message is not None  # a button is on a message
        place = f"{interaction.message.channel.id}:{interaction.message.id}"
        try:
            report, new = await self.reports.file(requester_of(interaction), job_id, place)
        except BotError as error:
            await interaction.followup.send(error.message, ephemeral=True)
            return
        if new:
            await self._show(report, spoiler=True)
            if report.destination is not None:
                await self._tell_admins(report)
        await interaction.followup.send(HIDDEN + ("" if report.destination else NOWHERE), ephemeral=True)

    async def on_decision(self, interaction: discord.Interaction, job_id: str, keep: bool) -> None:
        """Keep (show the result again) or Remove (delete it); the report message says which."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            report = await self.reports.decide(requester_of(interaction), job_id, keep)
        except BotError as error:
            await interaction.followup.send(error.message, ephemeral=True)
            return
        if keep:
            await self._show(report, spoiler=False)
        else:
            channel_id, message_id = (int(part) for part in report.result_place.split(":"))
            partial = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            await partial.delete()
        if interaction.message is not None:
            verdict = "Kept" if keep else "Removed"
            await interaction.message.edit(
                content=f"{report_text(report)}\n{verdict} by {mention(interaction.user.id)}.",
                view=None,
                allowed_mentions=NO_PINGS,
            )
        await interaction.followup.send("Done.", ephemeral=True)

    async def _show(self, report: Report, spoiler: bool) -> None:
        """Upload the result's pictures again in its message, hidden or not."""
        files = report.job.files
        assert files is not None  # a reported job is done
        context = JobContext.from_json(report.job.ref.context)
        named = await asyncio.to_thread(read_results, JobDone(report.job.ref, files, 0.0))
        uploads = list(named.values())
        limit = context.upload_limit if context is not None else DEFAULT_FILE_LIMIT
        budget = per_file_budget(limit, len(uploads))
        fitted = await asyncio.to_thread(fit_uploads, uploads, budget)
        channel_id, message_id = (int(part) for part in report.result_place.split(":"))
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        attachments = [discord.File(io.BytesIO(u.data), filename=u.filename, spoiler=spoiler) for u in fitted]
        await message.edit(attachments=attachments)

    async def _tell_admins(self, report: Report) -> None:
        """Post the report, its pictures hidden, with Keep and Remove."""
        assert report.destination is not None
        pictures = await self.reports.thumbnails(report, self.chat_loop)
        names = ["result.jpg", *(f"input-{i}.jpg" for i in range(1, len(pictures)))]
        view = discord.ui.View(timeout=None)
        view.add_item(DecisionButton(report.job.job_id, True))
        view.add_item(DecisionButton(report.job.job_id, False))
        await self.bot.get_partial_messageable(int(report.destination)).send(
            report_text(report),
            files=[
                discord.File(io.BytesIO(data), filename=name, spoiler=True)
                for data, name in zip(pictures, names, strict=True)
            ],
            view=view,
            allowed_mentions=NO_PINGS,
        )
