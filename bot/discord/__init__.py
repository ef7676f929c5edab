"""The Discord front end: slash commands over bot.core, results posted in the channel."""

from bot.discord.front_end import DiscordFrontEnd, create_front_end

__all__ = ["DiscordFrontEnd", "create_front_end"]
