"""The chat loop on Telegram: the preview photo with its keyboard, each press, and /defaults.

A press is answered (answerCallbackQuery) after it is applied, with a short note or, for a
refusal (an expired session, someone else's buttons, a limit reached), an alert to the presser.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import (
    CHAT_DEFAULT_NAMES,
    DEFAULT_LIKENESS,
    Action,
    BotError,
    ChatDefaults,
    ChatLoop,
    Discarded,
    JobOptions,
    LoopState,
    Painting,
    Press,
    PreviewShown,
    Requester,
    describe_loop_state,
    parse_press,
)
from bot.telegram.job_context import JobContext
from bot.telegram.loop_keyboards import preview_keyboard, result_keyboard
from bot.telegram.requesters import PLATFORM, admin_requester, requester

log = logging.getLogger(__name__)

PRESS_PATTERN = r"^L\|"  # bot/core/actions.py PREFIX


def preview_caption(state: LoopState, estimate_s: float | None = None) -> str:
    """The preview photo's caption, with how long painting takes."""
    takes = "" if estimate_s is None else f" (about {estimate_s:.0f} s)"
    return (
        f"Preview ({describe_loop_state(state)}). Move or resize the object, try another cut-out, then press "
        f"Paint it{takes}."
    )


def defaults_text(defaults: ChatDefaults, presets: list[str], default_preset: str) -> str:
    """/defaults: this chat's defaults and how admins change them."""
    shared = "on" if defaults.shared_buttons else "off"
    return "\n".join(
        [
            "Defaults in this chat:",
            f"quality = {defaults.quality or default_preset}",
            f"strength = {defaults.strength or 'medium'}",
            f"likeness = {defaults.likeness if defaults.likeness is not None else DEFAULT_LIKENESS:g}",
            f"shared_buttons = {shared} (on: everyone here may press anyone's buttons)",
            (
                "Admins: /defaults set NAME VALUE, /defaults reset NAME. "
                f"Names: {', '.join(CHAT_DEFAULT_NAMES)}; qualities: {', '.join(presets)}."
            ),
        ]
    )


class TelegramLoop:
    """Previews, presses and /defaults over the core's ChatLoop."""

    def __init__(self, chat_loop: ChatLoop) -> None:
        self.chat_loop = chat_loop
        self.service = chat_loop.service

    def handlers(self) -> list[BaseHandler]:
        """The handlers to add to the Application."""
        return [
            CallbackQueryHandler(self.on_press, pattern=PRESS_PATTERN),
            CommandHandler("defaults", self.on_defaults),
        ]

    async def open_preview(
        self,
        bot: Bot,
        chat_id: int,
        user_id: int,
        reply_to: Message,
        thread_id: int | None,
        painting: bytes,
        object_image: bytes,
        choice: JobOptions,
    ) -> Message:
        """Keep the uploads as a session and reply with its preview and keyboard.

        Raises BotError (refused pictures, no object found) with a message for the user.
        """
        shown = await self.chat_loop.open(requester(chat_id, user_id), painting, object_image, choice=choice)
        return await bot.send_photo(
            chat_id,
            shown.preview.image,
            caption=preview_caption(shown.session.state, shown.estimate_s),
            reply_markup=preview_keyboard(shown.session.session_id),
            reply_parameters=ReplyParameters(reply_to.message_id, allow_sending_without_reply=True),
            message_thread_id=thread_id,
        )

    async def result_buttons(self, job_id: str) -> InlineKeyboardMarkup | None:
        """The keyboard under a finished job's before/after; None for jobs not from a preview."""
        job = await self.chat_loop.job(job_id)
        if job is None:
            return None
        return result_keyboard(job.session_id, job_id, job.state, self.service.preset_names)

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press under a preview or a result (always answered)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        press = parse_press(query.data or "")
        message = query.message
        if press is None or not isinstance(message, Message):
            await query.answer()
            return
        who = await admin_requester(context.bot, chat, query.from_user)
        try:
            note = await self._apply(context.bot, who, press, message)
        except BotError as error:
            await query.answer(error.message, show_alert=True)
            return
        await query.answer(note)

    async def on_defaults(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/defaults`, `/defaults set NAME VALUE`, `/defaults reset NAME` (admins)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        args = list(context.args or [])
        if args and args[0].lower() in ("set", "reset"):
            if not ((args[0].lower() == "set" and len(args) == 3) or (args[0].lower() == "reset" and len(args) == 2)):
                await message.reply_text("Use /defaults set NAME VALUE or /defaults reset NAME.")
                return
            who = await admin_requester(context.bot, chat, user, message)
            await self.chat_loop.set_chat_default(who, args[1].lower(), args[2] if len(args) == 3 else None)
        defaults = await self.chat_loop.chat_defaults(PLATFORM, str(chat.id))
        await message.reply_text(defaults_text(defaults, self.service.preset_names, self.service.default_preset))

    async def _apply(self, bot: Bot, who: Requester, press: Press, message: Message) -> str:
        """Apply the press to the message it came from; return the note for the presser."""
        if press.action.queues_job:
            return await self._queue(bot, who, press, message)
        outcome = await self.chat_loop.press(who, press)
        if isinstance(outcome, Discarded):
            await message.edit_caption("Preview dropped; its pictures are deleted.")
            return "Dropped."
        assert isinstance(outcome, PreviewShown)
        session = outcome.session
        caption = preview_caption(session.state, outcome.estimate_s)
        keyboard = preview_keyboard(session.session_id)
        if press.action is Action.PLACE:
            await bot.send_photo(
                message.chat.id,
                outcome.preview.image,
                caption=caption,
                reply_markup=keyboard,
                message_thread_id=_thread(message),
            )
            return "Here is the preview again."
        await message.edit_media(InputMediaPhoto(outcome.preview.image, caption=caption), reply_markup=keyboard)
        return describe_loop_state(session.state)

    async def _queue(self, bot: Bot, who: Requester, press: Press, message: Message) -> str:
        """Paint it, or a new job from a result: a status message first, then the job."""
        status = await bot.send_message(
            message.chat.id,
            "Queuing your picture…",
            message_thread_id=_thread(message),
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        )
        where = JobContext(message.chat.id, status.message_id, message.message_id, _thread(message))
        try:
            outcome = await self.chat_loop.press(who, press, where.to_json())
        except BotError as error:
            try:
                await status.edit_text(error.message)
            except TelegramError as edit_error:
                log.warning("could not show a refusal in chat %s: %s", message.chat.id, edit_error)
            raise
        assert isinstance(outcome, Painting)
        job_id = outcome.submission.job_id
        if press.action is Action.PAINT:
            await message.edit_caption(
                f"Painting this as job {job_id} ({describe_loop_state(outcome.state)}): about "
                f"{outcome.estimate_s:.0f} s once it starts."
            )
        return f"Queued as job {job_id}."


def _thread(message: Message) -> int | None:
    """The forum topic of a message, if any."""
    return message.message_thread_id if message.is_topic_message else None
