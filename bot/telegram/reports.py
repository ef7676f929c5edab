"""The Report button under every result on Telegram, Keep / Remove under each report, and
`/reports` (where a group's reports go: `/reports CHAT_ID`, `/reports here`, `/reports off`).

Report hides the result's photos and animation (editMessageMedia with has_spoiler) and sends the
result, its inputs' thumbnails, the job id and its maker to the admins' chat; Keep shows the
result again, Remove deletes it and its pictures (bot/core/admin/reports.py).
"""

from __future__ import annotations

import logging
import re

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaAnimation,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import (
    DECISION_PATTERN,
    REPORT_PATTERN,
    BotError,
    InvalidOptions,
    Report,
    decision_data,
    parse_decision,
)
from bot.telegram.chat_loop import TelegramLoop
from bot.telegram.requesters import admin_requester, requester

log = logging.getLogger(__name__)

HIDDEN = "Thanks: the result is hidden until an admin decides."
NOWHERE = " (This group's admins have not chosen a chat for reports yet: /reports CHAT_ID.)"
USAGE = "Use /reports CHAT_ID (the admins' chat, with this bot in it), /reports here or /reports off."
CHAT_ID = re.compile(r"^-?\d{1,20}$")


def report_text(report: Report) -> str:
    """The report's message in the admins' chat."""
    ref = report.job.ref
    return (
        f"Report on job {ref.job_id} in chat {ref.chat_id}: made by user {ref.user_id}, reported by user "
        f"{report.reporter_id}. The result is hidden until an admin decides. The pictures: the result, "
        "then what it was made from."
    )


class TelegramReports:
    """Report presses, decisions and /reports over the core's Reports."""

    def __init__(self, telegram_loop: TelegramLoop) -> None:
        self.telegram_loop = telegram_loop
        self.chat_loop = telegram_loop.chat_loop
        self.reports = telegram_loop.chat_loop.reports

    def handlers(self) -> list[BaseHandler]:
        """The handlers to add to the Application."""
        return [
            CallbackQueryHandler(self.on_report, pattern=REPORT_PATTERN),
            CallbackQueryHandler(self.on_decision, pattern=DECISION_PATTERN),
            CommandHandler("reports", self.on_reports),
        ]

    async def on_report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hide the result, tell the admins, thank the reporter (always answered)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        job_id = (query.data or "").partition("|")[2]
        try:
            report, new = await self.reports.file(requester(chat.id, query.from_user.id), job_id, str(chat.id))
            if new:
                await self._show(context.bot, report, spoiler=True)
                if report.destination is not None:
                    await self._tell_admins(context.bot, report)
        except BotError as error:
            await query.answer(error.message, show_alert=True)
            return
        await query.answer(HIDDEN + ("" if report.destination else NOWHERE), show_alert=True)

    async def on_decision(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep (show the result again) or Remove (delete it); the report message says which."""
        query, chat = update.callback_query, update.effective_chat
        parsed = parse_decision(query.data or "") if query is not None else None
        if query is None or chat is None or parsed is None:
            return
        job_id, keep = parsed
        posted_messages = await self.chat_loop.posted.get(job_id)  # read first: they go with the job
        try:
            who = await admin_requester(context.bot, chat, query.from_user)
            report = await self.reports.decide(who, job_id, keep)
        except BotError as error:
            await query.answer(error.message, show_alert=True)
            return
        if keep:
            await self._show(context.bot, report, spoiler=False)
        else:
            for posted in posted_messages:
                try:
                    await context.bot.delete_message(int(report.job.ref.chat_id), posted.message_id)
                except TelegramError as error:  # older than 48 h, or already gone
                    log.info("could not delete message %s of job %s: %s", posted.message_id, job_id, error)
        if isinstance(query.message, Message):
            verdict = "Kept" if keep else "Removed"
            await query.message.edit_text(f"{report_text(report)}\n{verdict} by user {query.from_user.id}.")
        await query.answer("Done.")

    async def on_reports(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/reports CHAT_ID`, `/reports here`, `/reports off` (the group's admins)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        args = [arg.lower() for arg in context.args or []]
        if len(args) != 1 or not (args[0] in ("here", "off") or CHAT_ID.match(args[0])):
            raise InvalidOptions(USAGE)
        destination = {"here": str(chat.id), "off": None}.get(args[0], args[0])
        await self.reports.set_destination(await admin_requester(context.bot, chat, user, message), destination)
        await message.reply_text(
            f"Reports of this chat's results now go to chat {destination}."
            if destination is not None
            else "Reports are no longer sent anywhere; reported results are still hidden."
        )

    async def _show(self, bot: Bot, report: Report, spoiler: bool) -> None:
        """Show the result's photos and animation again, hidden or not (files cannot be hidden)."""
        chat_id, job_id = int(report.job.ref.chat_id), report.job.job_id
        for posted in await self.chat_loop.posted.get(job_id):
            if posted.kind == "photo":
                media: InputMediaPhoto | InputMediaAnimation = InputMediaPhoto(
                    posted.file_id, caption=posted.caption, has_spoiler=spoiler
                )
                markup = None
            elif posted.kind == "animation":
                media = InputMediaAnimation(posted.file_id, caption=posted.caption, has_spoiler=spoiler)
                markup = await self.telegram_loop.result_buttons(job_id)
            else:
                continue
            await bot.edit_message_media(media, chat_id=chat_id, message_id=posted.message_id, reply_markup=markup)

    async def _tell_admins(self, bot: Bot, report: Report) -> None:
        """Send the report's pictures (hidden), then its text with Keep and Remove."""
        assert report.destination is not None
        destination, job_id = int(report.destination), report.job.job_id
        pictures = await self.reports.thumbnails(report, self.chat_loop)
        await bot.send_media_group(destination, [InputMediaPhoto(data, has_spoiler=True) for data in pictures])
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Keep", callback_data=decision_data(job_id, True)),
                    InlineKeyboardButton("Remove", callback_data=decision_data(job_id, False)),
                ]
            ]
        )
        await bot.send_message(destination, report_text(report), reply_markup=keyboard)
