"""The Telegram front end: `create_front_end(service, settings, chat_loop)` for `painterly-bot`.

Built on python-telegram-bot 22: `ApplicationBuilder.base_url`/`base_file_url` point it at any
Bot API server (the tests' fake one), AIORateLimiter keeps within flood limits and retries
RetryAfter, and handlers keep the adapter thin over `bot.core`.
"""

from bot.telegram.front_end import TelegramFrontEnd, create_front_end

__all__ = ["TelegramFrontEnd", "create_front_end"]
