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
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import (
    CHAT_DEFAULT_NAMES,
    DEFAULT_LIKENESS,
    POLICY_NAMES,
    Action,
    BotError,
    ChatDefaults,
    ChatLoop,
    Discarded,
    JobOptions,
    LoopState,
    Painting,
    Policy,
    Press,
    PreviewShown,
    Requester,
    Showing,
    describe_loop_state,
    parse_press,
)
from bot.telegram.job_context import JobContext
from bot.telegram.loop_keyboards import preview_keyboard, result_keyboard
from bot.telegram.picture_policy import TelegramPictureCheck
from bot.telegram.requesters import PLATFORM, admin_requester, requester
from bot.telegram.retry import TELEGRAM_DOWN, twice
from bot.telegram.self_service import with_extras

log = logging.getLogger(__name__)

PRESS_PATTERN = r"^L\|"  # bot/core/chat/actions.py PREFIX


class TelegramDown(BotError):
    """Telegram failed a call twice (a 5xx or a timeout); the message is for the user."""


def preview_caption(state: LoopState, estimate_s: float | None = None) -> str:
    """The preview photo's caption, with how long painting takes."""
    takes = "" if estimate_s is None else f" (about {estimate_s:.0f} s)"
    return (
        f"Preview ({describe_loop_state(state)}). Move or resize the object, try another cut-out, then press "
        f"Paint it{takes}."
    )


def defaults_text(defaults: ChatDefaults, qualities: list[str], default_quality: str, moderation: Policy) -> str:
    """/defaults: this chat's defaults (`moderation`: the picture check's policy in force) and how
    admins change them."""
    shared = "on" if defaults.shared_buttons else "off"
    return "\n".join(
        [
            "Defaults in this chat:",
            f"quality = {defaults.quality or default_quality}",
            f"strength = {defaults.strength or 'medium'}",
            f"likeness = {defaults.likeness if defaults.likeness is not None else DEFAULT_LIKENESS:g}",
            f"shared_buttons = {shared} (on: everyone here may press anyone's buttons)",
            f"moderation = {moderation.value} (what a picture that looks like adult content gets: "
            f"{', '.join(POLICY_NAMES)})",
            (
                "Admins: /defaults set NAME VALUE, /defaults reset NAME. "
                f"Names: {', '.join(CHAT_DEFAULT_NAMES)}; qualities: {', '.join(qualities)}."
            ),
        ]
    )


class TelegramLoop:
    """Previews, presses and /defaults over the core's ChatLoop."""

    def __init__(self, chat_loop: ChatLoop) -> None:
        self.chat_loop = chat_loop
        self.service = chat_loop.service
        self.pictures = TelegramPictureCheck(chat_loop)

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
        showing: Showing,
    ) -> Message:
        """Keep the uploads as a session and reply with its preview and keyboard; `showing`: what
        the picture check said of the uploads.

        Raises BotError (refused pictures, no object found) with a message for the user, also
        when Telegram refuses the preview twice (a 5xx, a timeout; its session is dropped).
        """
        who = requester(chat_id, user_id)
        shown = await self.chat_loop.open(who, painting, object_image, choice=choice)
        if showing.flagged:
            await self.chat_loop.moderation.flag_session(shown.session.session_id, self.chat_loop.clock())
        try:
            return await twice(
                lambda: bot.send_photo(
                    chat_id,
                    shown.preview.image,
                    caption=preview_caption(shown.session.state, shown.estimate_s),
                    reply_markup=preview_keyboard(shown.session.session_id),
                    reply_parameters=ReplyParameters(reply_to.message_id, allow_sending_without_reply=True),
                    message_thread_id=thread_id,
                    has_spoiler=showing.spoiler,
                )
            )
        except (NetworkError, RetryAfter) as error:
            log.warning("the preview for chat %s could not be posted: %s", chat_id, error)
            await self.chat_loop.press(who, Press(Action.DISCARD, shown.session.session_id))
            raise TelegramDown(TELEGRAM_DOWN) from error

    async def result_buttons(self, job_id: str) -> InlineKeyboardMarkup:
        """The keyboard under a finished job's before/after: the loop's (for jobs from a preview),
        then Info and Delete."""
        job = await self.chat_loop.job(job_id)
        loop = None if job is None else result_keyboard(job.session_id, job_id, job.state, self.service.quality_names)
        return with_extras(loop, job_id)

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
        policy = await self.chat_loop.moderation.policy(PLATFORM, str(chat.id))
        await message.reply_text(
            defaults_text(defaults, self.service.quality_names, self.service.default_quality, policy)
        )

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
        spoiler = (await self.pictures.preview_again(message.chat.id, session.session_id)).spoiler
        caption = preview_caption(session.state, outcome.estimate_s)
        keyboard = preview_keyboard(session.session_id)
        if press.action is Action.PLACE:
            await bot.send_photo(
                message.chat.id,
                outcome.preview.image,
                caption=caption,
                reply_markup=keyboard,
                message_thread_id=_thread(message),
                has_spoiler=spoiler,
            )
            return "Here is the preview again."
        media = InputMediaPhoto(outcome.preview.image, caption=caption, has_spoiler=spoiler)
        await message.edit_media(media, reply_markup=keyboard)
        return describe_loop_state(session.state)

    async def _queue(self, bot: Bot, who: Requester, press: Press, message: Message) -> str:
        """Paint it, or a new job from a result: a status message first, then the job."""
        claim = await self.chat_loop.claim(who, press)  # a later press of this button: an alert only
        try:
            status = await bot.send_message(
                message.chat.id,
                "Queuing your picture…",
                message_thread_id=_thread(message),
                reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
            )
        except BaseException:
            await self.chat_loop.release(claim)
            raise
        flagged = await self.chat_loop.moderation.session_flagged(press.session_id)
        where = JobContext(message.chat.id, status.message_id, message.message_id, _thread(message), int(flagged))
        try:
            outcome = await self.chat_loop.press(who, press, where.to_json(), claim)
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
