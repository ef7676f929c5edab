"""/quota, and the Info and Delete buttons under every result's before -> after on Telegram:
the result's settings to the presser (an alert), and its owner (or an admin) removing all of
its messages and pictures."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import (
    DELETE_PATTERN,
    INFO_PATTERN,
    BotError,
    ChatLoop,
    delete_data,
    info_data,
    parse_delete,
    parse_info,
    report_data,
    result_info,
)
from bot.telegram.requesters import admin_requester, requester

log = logging.getLogger(__name__)


def with_extras(keyboard: InlineKeyboardMarkup | None, job_id: str) -> InlineKeyboardMarkup:
    """`keyboard` (the loop's, if any) with Info, Delete and Report on a last row."""
    rows = [list(row) for row in keyboard.inline_keyboard] if keyboard is not None else []
    extras = [
        InlineKeyboardButton("Info", callback_data=info_data(job_id)),
        InlineKeyboardButton("Delete", callback_data=delete_data(job_id)),
        InlineKeyboardButton("Report", callback_data=report_data(job_id)),
    ]
    return InlineKeyboardMarkup([*rows, extras])


class SelfService:
    """/quota and the result's Info and Delete buttons, over the core's service and chat loop."""

    def __init__(self, chat_loop: ChatLoop) -> None:
        self.chat_loop = chat_loop
        self.service = chat_loop.service

    def handlers(self) -> list[BaseHandler]:
        """The handlers to add to the Application."""
        return [
            CommandHandler("quota", self.on_quota),
            CallbackQueryHandler(self.on_info, pattern=INFO_PATTERN),
            CallbackQueryHandler(self.on_delete, pattern=DELETE_PATTERN),
        ]

    async def on_quota(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The jobs the sender may still start in this chat, and their places in the queue."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        await message.reply_text((await self.service.quota(requester(chat.id, user.id))).text())

    async def on_info(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Info: the result's settings in an alert to the presser (always answered)."""
        query, chat = update.callback_query, update.effective_chat
        job_id = parse_info(query.data or "") if query is not None else None
        if query is None or chat is None or job_id is None:
            return
        try:
            text = await result_info(self.chat_loop, requester(chat.id, query.from_user.id), job_id)
        except BotError as error:
            text = error.message
        await query.answer(text, show_alert=True)

    async def on_delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete: the job's pictures through the core, then every message of the result."""
        query, chat = update.callback_query, update.effective_chat
        job_id = parse_delete(query.data or "") if query is not None else None
        if query is None or chat is None or job_id is None:
            return
        posted = [message.message_id for message in await self.chat_loop.posted.get(job_id)]  # gone with the job
        try:
            await self.service.delete_result(job_id, await admin_requester(context.bot, chat, query.from_user))
        except BotError as error:
            await query.answer(error.message, show_alert=True)
            return
        here = query.message.message_id if isinstance(query.message, Message) else None
        for message_id in {*posted, *([here] if here is not None else [])}:
            try:
                await context.bot.delete_message(chat.id, message_id)
            except TelegramError as error:  # older than 48 h, or already gone
                log.info("could not delete message %s of job %s: %s", message_id, job_id, error)
        await query.answer("Deleted.")
