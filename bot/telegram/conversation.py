"""`/harmonize`, then the painting and the object photo (photos, files or an album); submit."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re

from telegram import Bot, Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core import BotError, BotSettings, HarmonizeService, InvalidImage, JobOptions
from bot.telegram import texts
from bot.telegram.albums import ALBUM_WAIT_S, AlbumCollector
from bot.telegram.chat_loop import TelegramLoop
from bot.telegram.drafts import Draft, DraftBook
from bot.telegram.incoming_pictures import check_before_download, download, image_from_message
from bot.telegram.job_context import JobContext
from bot.telegram.option_keyboard import (
    DISCARD,
    OPTION_PATTERN,
    apply_press,
    options_keyboard,
    parse_option_press,
)
from bot.telegram.options import describe_options, parse_options
from bot.telegram.requesters import requester
from bot.telegram.retry import twice

log = logging.getLogger(__name__)

COMMAND = "harmonize"
DOWNLOAD_FAILED = "I could not download your images from Telegram just now; send /harmonize to try again."
CAPTION_COMMAND = re.compile(rf"^/{COMMAND}(?:@(\w+))?(?:\s+(.*))?$", re.IGNORECASE | re.DOTALL)
IMAGES = (filters.PHOTO | filters.Document.ALL) & ~filters.UpdateType.EDITED


class HarmonizeConversation:
    """Collects one job per chat + user (a Draft); once both images are in, shows the preview
    (`telegram_loop`, when settings.preview_first) or submits the job at once."""

    def __init__(
        self,
        service: HarmonizeService,
        settings: BotSettings,
        drafts: DraftBook,
        telegram_loop: TelegramLoop,
        album_wait_s: float = ALBUM_WAIT_S,
    ) -> None:
        self.service = service
        self.settings = settings
        self.drafts = drafts
        self.telegram_loop = telegram_loop
        self.albums = AlbumCollector(self._take_images, album_wait_s)
        self._submissions: set[asyncio.Task[None]] = set()

    def handlers(self) -> list[BaseHandler]:
        """The command, image and option-button handlers to add to the Application."""
        return [
            CommandHandler(COMMAND, self.on_command),
            MessageHandler(IMAGES, self.on_image),
            CallbackQueryHandler(self.on_option, pattern=OPTION_PATTERN),
        ]

    async def close(self) -> None:
        """Drop albums being gathered and stop submissions in flight (shutdown)."""
        await self.albums.close()
        for task in list(self._submissions):
            task.cancel()
        for task in list(self._submissions):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ------------------------------------------------------------------ handlers

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/harmonize [options]`: start a draft and prompt for the images."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        try:
            options = parse_options(context.args or [], self.service.quality_names)
        except BotError as error:
            await message.reply_text(error.message)
            return
        draft = self._new_draft(message, message.from_user, options)
        await self._send_prompt(draft, message)

    async def on_image(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or file: part of an album (gathered first) or a single image."""
        message = update.effective_message
        if message is None:
            return
        if message.media_group_id is not None:
            self.albums.add(message)
        else:
            await self._take_images([message])

    async def on_option(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on the prompt's option keyboard (always answered)."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        press = parse_option_press(query.data or "")
        if press is None:
            await query.answer()
            return
        if press.user_id != query.from_user.id:
            await query.answer("These buttons belong to whoever sent that /harmonize.", show_alert=True)
            return
        draft = self.drafts.get(query.message.chat.id, press.user_id)
        if draft is None or draft.prompt_id != query.message.message_id:
            await query.answer("This request is over; send /harmonize to start a new one.")
            return
        if press.key == DISCARD:
            self.drafts.pop(*draft.key)
            await query.answer("Cancelled.")
            await query.edit_message_text("Cancelled; send /harmonize to start again.")
            return
        before = (self._prompt_text(draft, query.message.chat), self._keyboard(draft))
        draft.options = apply_press(draft.options, press, self.service.quality_names)
        after = (self._prompt_text(draft, query.message.chat), self._keyboard(draft))
        if after == before:
            await query.answer("Already chosen.")
            return
        await query.answer(describe_options(draft.options, self.service.default_quality))
        await query.edit_message_text(after[0], reply_markup=after[1])

    # ------------------------------------------------------------------ steps

    def _new_draft(self, message: Message, user: User, options: JobOptions) -> Draft:
        """Start (or restart) `user`'s draft in the chat of `message`."""
        thread = message.message_thread_id if message.is_topic_message else None
        draft = Draft(message.chat.id, user.id, options, thread_id=thread)
        self.drafts.put(draft)
        return draft

    def _prompt_text(self, draft: Draft, chat: Chat) -> str:
        """The prompt for this draft's next image."""
        return texts.prompt_text(
            describe_options(draft.options, self.service.default_quality), len(draft.images), chat.type != Chat.PRIVATE
        )

    def _keyboard(self, draft: Draft) -> InlineKeyboardMarkup:
        """The option keyboard of this draft."""
        return options_keyboard(draft.user_id, draft.options, self.service.quality_names, self.service.default_quality)

    async def _send_prompt(self, draft: Draft, message: Message) -> None:
        """Reply to `message` with the prompt and its keyboard."""
        prompt = await message.reply_text(self._prompt_text(draft, message.chat), reply_markup=self._keyboard(draft))
        draft.prompt_id = prompt.message_id

    async def _update_prompt(self, bot: Bot, draft: Draft, chat: Chat, prompt_id: int) -> None:
        """Show on the prompt which image comes next (the keyboard stays)."""
        with contextlib.suppress(TelegramError):
            await bot.edit_message_text(
                self._prompt_text(draft, chat),
                chat_id=chat.id,
                message_id=prompt_id,
                reply_markup=self._keyboard(draft),
            )

    async def _take_images(self, messages: list[Message]) -> None:
        """Add the images of one message (or one album) to the sender's draft; submit when full.

        A caption starting with /harmonize starts a new draft with its options.
        """
        first = messages[0]
        user, chat = first.from_user, first.chat
        if user is None:
            return
        commands = [(m, args) for m in messages if (args := _caption_command(m, first.get_bot().username)) is not None]
        draft: Draft | None
        if commands:
            command, args = commands[0]
            try:
                options = parse_options(args, self.service.quality_names)
            except BotError as error:
                await command.reply_text(error.message)
                return
            draft = self._new_draft(command, user, options)
        else:
            draft = self.drafts.get(chat.id, user.id)
        if draft is None:
            if chat.type == Chat.PRIVATE:
                await first.reply_text(
                    "Send /harmonize first, then the painting and the object photo. /help explains the options."
                )
            return
        extra = 0
        for message in messages:
            if draft.complete:
                extra += 1
                continue
            try:
                image = image_from_message(message)
                if image is None:
                    continue
                check_before_download(image, self.settings.max_image_bytes)
            except InvalidImage as error:
                await message.reply_text(error.message, do_quote=True)
                continue
            draft.images.append(image)
        if extra:
            await messages[-1].reply_text(
                "I only need two images, the painting and the object photo; I took the first two."
            )
        last = messages[-1]
        if draft.complete:
            self.drafts.pop(*draft.key)
            task = asyncio.create_task(self._submit(last.get_bot(), draft, last), name=f"submit-{chat.id}-{user.id}")
            self._submissions.add(task)
            task.add_done_callback(self._submission_ended)
        elif draft.prompt_id is None:
            await self._send_prompt(draft, last)
        elif draft.images:
            await self._update_prompt(last.get_bot(), draft, chat, draft.prompt_id)

    def _submission_ended(self, task: asyncio.Task[None]) -> None:
        """Forget a finished submission task; log it if it failed unexpectedly."""
        self._submissions.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("submitting a job failed", exc_info=task.exception())

    async def _submit(self, bot: Bot, draft: Draft, last: Message) -> None:
        """Post the status message, download both images, and show the preview (or queue the
        job when previews are off)."""
        if draft.prompt_id is not None:
            with contextlib.suppress(TelegramError):
                await bot.edit_message_text("Got both images.", chat_id=draft.chat_id, message_id=draft.prompt_id)
        status = await last.reply_text("Downloading your images…")
        where = JobContext(draft.chat_id, status.message_id, last.message_id, draft.thread_id)
        try:
            painting, object_image = await asyncio.gather(
                download(bot, draft.images[0]), download(bot, draft.images[1])
            )
        except TelegramError as error:
            log.warning("download for chat %s failed: %s", draft.chat_id, error)
            await twice(lambda: status.edit_text(DOWNLOAD_FAILED))
            return
        who = requester(draft.chat_id, draft.user_id)
        try:
            await self.service.blocks.check(who)
            showing = await self.telegram_loop.pictures.uploads(who, [painting, object_image])
            if self.settings.preview_first:
                await self.telegram_loop.open_preview(
                    bot,
                    draft.chat_id,
                    draft.user_id,
                    last,
                    draft.thread_id,
                    painting,
                    object_image,
                    draft.options,
                    showing,
                )
                await status.edit_text("Here is the preview: move the object with its buttons, then press Paint it.")
                return
            where = dataclasses.replace(where, flagged=int(showing.flagged))
            await self.service.submit(who, painting, object_image, draft.options, context=where.to_json())
        except BotError as error:
            refusal = error.message
            await twice(lambda: status.edit_text(refusal))


def _caption_command(message: Message, bot_username: str) -> list[str] | None:
    """The arguments of a "/harmonize ..." caption (to no bot in particular or to us), else None."""
    match = CAPTION_COMMAND.match(message.caption or "")
    if match is None or (match.group(1) and match.group(1).lower() != bot_username.lower()):
        return None
    return (match.group(2) or "").split()
