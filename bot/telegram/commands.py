"""/help, /queue, /cancel, /deletemydata, /limits and the Cancel button under a job's status."""

from __future__ import annotations

from typing import Literal, cast

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import (
    CANCEL_PATTERN,
    BotError,
    BotSettings,
    ChatLoop,
    HarmonizeService,
    InvalidOptions,
    LimitName,
    Limits,
    parse_limit_value,
)
from bot.telegram import texts
from bot.telegram.drafts import DraftBook
from bot.telegram.loop_keyboards import parse_cancel_job
from bot.telegram.requesters import PLATFORM, admin_requester, requester

COMMANDS = {  # command -> description shown in Telegram's command menu (setMyCommands)
    "harmonize": "Paint an object from a photo into a painting",
    "queue": "Your jobs and the queue",
    "cancel": "Stop what you started here",
    "deletemydata": "Delete all your jobs and images",
    "limits": "Job limits here (admins can change them)",
    "quota": "Jobs you can still start here, and your place in the queue",
    "defaults": "What new previews start with here (admins)",
    "block": "Stop a member from using the bot here (admins)",
    "unblock": "Let a blocked member use the bot again (admins)",
    "audit": "The last 20 admin changes here (admins)",
    "stats": "The queue and this chat's last day (admins)",
    "reports": "Where reported results go (admins)",
    "help": "How it works, photos vs files, options",
}


class AccountCommands:
    """Commands about one's jobs, data and limits, and the status message's Cancel button.

    BotError from the core propagates to the Application's error handler, which shows its message.
    """

    def __init__(
        self, service: HarmonizeService, settings: BotSettings, drafts: DraftBook, chat_loop: ChatLoop
    ) -> None:
        self.service = service
        self.settings = settings
        self.drafts = drafts
        self.chat_loop = chat_loop

    def handlers(self) -> list[BaseHandler]:
        """The handlers to add to the Application."""
        return [
            CommandHandler(("help", "start"), self.on_help),
            CommandHandler("queue", self.on_queue),
            CommandHandler("cancel", self.on_cancel),
            CommandHandler("deletemydata", self.on_delete_my_data),
            CommandHandler("limits", self.on_limits),
            CallbackQueryHandler(self.on_cancel_button, pattern=CANCEL_PATTERN),
        ]

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """How to use the bot."""
        if update.effective_message is None:
            return
        await update.effective_message.reply_text(
            texts.help_text(self.service.quality_names, self.service.default_quality, self.settings.max_image_bytes)
        )

    async def on_queue(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The queue's load and the sender's jobs (in groups: their jobs in this group)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        jobs = await self.service.list_jobs(requester(chat.id, user.id))
        if chat.type != Chat.PRIVATE:
            jobs = [job for job in jobs if job.ref.chat_id == str(chat.id)]
        await message.reply_text(texts.queue_text(jobs, await self.service.queue_status()))

    async def on_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/cancel JOB_ID`, or `/cancel`: the sender's draft and unfinished jobs in this chat."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        if context.args:
            job_id = context.args[0]
            who = await admin_requester(context.bot, chat, user, message)
            ended = not await self.service.cancel(job_id, who)
            await message.reply_text(f"Job {job_id} had already ended." if ended else f"Job {job_id} cancelled.")
            return
        dropped = self.drafts.pop(chat.id, user.id) is not None
        who = requester(chat.id, user.id)
        cancelled = []
        for job in await self.service.list_jobs(who):
            here = job.ref.chat_id == str(chat.id)
            if here and not job.status.is_final and await self.service.cancel(job.job_id, who):
                cancelled.append(job.job_id)
        if not dropped and not cancelled:
            await message.reply_text("You have nothing to cancel here.")
            return
        parts = (["your request in progress"] if dropped else []) + (
            [f"job(s) {', '.join(cancelled)}"] if cancelled else []
        )
        await message.reply_text(f"Cancelled {' and '.join(parts)}.")

    async def on_delete_my_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete every job, preview and image of the sender (all chats)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or update.effective_chat is None:
            return
        self.drafts.drop_user(user.id)
        who = requester(update.effective_chat.id, user.id)
        count = await self.service.delete_user_data(who)
        previews = await self.chat_loop.delete_user_data(who)
        await message.reply_text(
            f"Deleted your {count} job(s) and {previews} preview(s) with their images and "
            "results. Only the times of your submissions are kept, for a day, so that the limits "
            "still apply."
        )

    async def on_limits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/limits`, `/limits set NAME VALUE [global]`, `/limits reset NAME [global]`."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        args = list(context.args or [])
        if not args:
            here = await self.service.get_limits(PLATFORM, str(chat.id))
            everywhere = await self.service.get_limits()
            await message.reply_text(texts.limits_text(here, everywhere, user.id))
            return
        scope: Literal["global", "chat"] = "global" if args[-1].lower() == "global" else "chat"
        if scope == "global":
            args.pop()
        action = args[0].lower()
        if not ((action == "set" and len(args) == 3) or (action == "reset" and len(args) == 2)):
            names = ", ".join(Limits.names())
            raise InvalidOptions(
                "Use /limits, /limits set NAME VALUE or /limits reset NAME "
                f"(add 'global' for every chat). Names: {names}."
            )
        name = args[1]
        value: int | None = None
        if action == "set":
            value = parse_limit_value(args[2])
        who = await admin_requester(context.bot, chat, user, message)
        limits = await self.service.set_limit(who, cast(LimitName, name), value, scope)
        where = "every chat" if scope == "global" else "this chat"
        await message.reply_text(f"{name} is now {getattr(limits, name)} in {where}.")

    async def on_cancel_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The status message's "Cancel job" button (always answered)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        job_id = parse_cancel_job(query.data or "")
        if job_id is None:
            await query.answer()
            return
        who = await admin_requester(context.bot, chat, query.from_user)
        try:
            ended = not await self.service.cancel(job_id, who)
        except BotError as error:
            await query.answer(error.message, show_alert=True)
            return
        await query.answer("That job had already ended." if ended else "Cancelled.")
