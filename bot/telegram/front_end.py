"""The Telegram front end: a python-telegram-bot Application over the core's HarmonizeService."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.core import BotError, BotSettings, ChatLoop, HarmonizeService
from bot.telegram.albums import ALBUM_WAIT_S
from bot.telegram.chat_loop import TelegramLoop
from bot.telegram.commands import COMMANDS, AccountCommands
from bot.telegram.conversation import HarmonizeConversation
from bot.telegram.drafts import DraftBook
from bot.telegram.job_updates import JobUpdates
from bot.telegram.moderation_commands import ModerationCommands
from bot.telegram.reports import TelegramReports
from bot.telegram.requesters import PLATFORM
from bot.telegram.self_service import SelfService
from bot.telegram.status import STATUS_EDIT_INTERVAL_S

log = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"  # methods at /bot<token>/, files at /file/bot<token>/
API_RETRIES = 3  # RetryAfter (HTTP 429) waits before a request is given up (AIORateLimiter)
GENERIC_FAILURE = "Something went wrong on my side; the bot's log says what. Please try again."


class TelegramFrontEnd:
    """Serves Telegram users by long polling; build it before `service.start()`, then `run()`.

    `chat_loop`: the process's one chat loop, shared with the other front ends; its owner
    (bot/main.py) starts it after `service.start()` and stops it after `run()` ends."""

    def __init__(
        self,
        service: HarmonizeService,
        settings: BotSettings,
        chat_loop: ChatLoop,
        api_root: str = TELEGRAM_API,
        status_interval_s: float = STATUS_EDIT_INTERVAL_S,
        album_wait_s: float = ALBUM_WAIT_S,
    ) -> None:
        if settings.telegram_token is None:
            raise ValueError(
                "PAINTERLY_TELEGRAM_TOKEN is not set; get a token from @BotFather "
                "and put it in .env (see .env.example)."
            )
        self.service = service
        self.telegram_loop = TelegramLoop(chat_loop)
        self.updates = JobUpdates(
            status_interval_s,
            self.telegram_loop.result_buttons,
            self.telegram_loop.pictures.result,
            chat_loop.posted.record,
        )
        self._remove_listener = service.add_listener(self.updates, platform=PLATFORM)
        drafts = DraftBook()
        self.conversation = HarmonizeConversation(service, settings, drafts, self.telegram_loop, album_wait_s)
        commands = AccountCommands(service, settings, drafts, chat_loop)
        self.application: Application = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(f"{api_root}/bot")
            .base_file_url(f"{api_root}/file/bot")
            .rate_limiter(AIORateLimiter(max_retries=API_RETRIES))
            .build()
        )
        extra = [
            *ModerationCommands(chat_loop).handlers(),
            *SelfService(chat_loop).handlers(),
            *TelegramReports(self.telegram_loop).handlers(),
        ]
        self.application.add_handlers(
            self.conversation.handlers() + commands.handlers() + self.telegram_loop.handlers() + extra
        )
        self.application.add_error_handler(self._on_error)

    async def run(self) -> None:
        """Connect, register the command menu, and handle updates until cancelled."""
        app = self.application
        updater = app.updater
        if updater is None:  # built by ApplicationBuilder, which always makes one
            raise RuntimeError("the Telegram application has no updater to poll with")
        try:
            async with app:
                await app.bot.set_my_commands([BotCommand(*item) for item in COMMANDS.items()])
                self.updates.attach(app.bot)
                await updater.start_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
                await app.start()
                log.info("telegram front end polling as @%s", app.bot.username)
                try:
                    await asyncio.Event().wait()
                finally:
                    await updater.stop()
                    await self.conversation.close()
                    await self.updates.detach()
                    await app.stop()
        finally:
            self._remove_listener()
            await self.updates.detach()
            log.info("telegram front end stopped")

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the core's user-facing errors; log the rest and say something went wrong."""
        error = context.error
        if isinstance(error, BotError):
            text = error.message
        else:
            log.error("telegram update %r failed", update, exc_info=error)
            text = GENERIC_FAILURE
        if not isinstance(update, Update):
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)
        except TelegramError as reply_error:
            log.warning("could not tell the user about an error: %s", reply_error)


def create_front_end(service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> TelegramFrontEnd:
    """The front-end factory `bot.main` calls (token from PAINTERLY_TELEGRAM_TOKEN)."""
    return TelegramFrontEnd(service, settings, chat_loop)
