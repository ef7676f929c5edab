"""painterly's chat bot: a platform-neutral core (bot.core) and thin Discord/Telegram adapters."""
