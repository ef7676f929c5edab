"""/block, /unblock, /audit and /stats: admins stop one member in their group, read who changed
what and how the bot is doing (bot/core/admin/blocks.py, bot/core/admin/audit_log.py, bot/core/admin/stats.py).
/block and /unblock name the member by a reply to one of their messages, or by their numeric id."""

from __future__ import annotations

import time

from telegram import Message, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.core import ChatLoop, InvalidOptions, chat_stats
from bot.telegram.requesters import admin_requester

WHO = "Reply to a message of the person with /block or /unblock, or add their numeric id: /block 12345."
NO_CHANGES = "No admin has changed anything here yet."


def target_of(message: Message, args: list[str]) -> str:
    """The user id a /block or /unblock names: the replied-to message's sender, else the argument."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not args:
        return str(replied.from_user.id)
    if len(args) == 1 and args[0].isdigit():
        return args[0]
    raise InvalidOptions(WHO)


class ModerationCommands:
    """The admins' /block, /unblock, /audit and /stats; the core's refusals reach the error handler."""

    def __init__(self, chat_loop: ChatLoop) -> None:
        self.chat_loop = chat_loop
        self.service = chat_loop.service

    def handlers(self) -> list[BaseHandler]:
        """The handlers to add to the Application."""
        return [
            CommandHandler("block", self.on_block),
            CommandHandler("unblock", self.on_unblock),
            CommandHandler("audit", self.on_audit),
            CommandHandler("stats", self.on_stats),
        ]

    async def on_block(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Block a member in this chat (its admins and the bot's owners)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        target = target_of(message, list(context.args or []))
        await self.service.blocks.block(await admin_requester(context.bot, chat, user, message), target)
        await message.reply_text(f"User {target} can no longer use the bot in this chat (/unblock undoes it).")

    async def on_unblock(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let a blocked member use the bot in this chat again."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        target = target_of(message, list(context.args or []))
        done = await self.service.blocks.unblock(await admin_requester(context.bot, chat, user, message), target)
        await message.reply_text(
            f"User {target} may use the bot here again." if done else f"User {target} was not blocked here."
        )

    async def on_audit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """This chat's last admin changes, newest first (its admins and the bot's owners)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        entries = await self.service.audit_entries(await admin_requester(context.bot, chat, user, message))
        lines = ["Last admin changes here, newest first:", *(entry.line() for entry in entries)]
        await message.reply_text("\n".join(lines) if entries else NO_CHANGES)

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The queue, and this chat's last 24 hours (its admins and the bot's owners)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        who = await admin_requester(context.bot, chat, user, message)
        await message.reply_text((await chat_stats(self.chat_loop, who, time.time())).text())
