"""Register the slash commands with Discord, on demand (not at every start: 200 creates a day).

    python -m bot.discord.sync [--guild SERVER_ID]

Reads PAINTERLY_DISCORD_TOKEN like the bot. Without --guild the commands are registered for
every server (Discord may take up to an hour to show changes); with it, in one server at once.
Run it after installing and after every change to a command.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import typer

from bot.core import BotSettings, ChatLoop, HarmonizeService
from bot.discord.client import PainterlyBot
from bot.job_runners import make_runner

app = typer.Typer(add_completion=False, help=__doc__)


async def sync_commands(settings: BotSettings, guild_id: int | None = None) -> list[str]:
    """Log in over HTTP only, upload the command tree (to one guild when given); return names."""
    if settings.discord_token is None:
        raise ValueError("PAINTERLY_DISCORD_TOKEN is not set; see docs/discord.md.")
    service = HarmonizeService(settings, make_runner(settings))  # never started
    bot = PainterlyBot(service, settings, ChatLoop(service))  # nor its chat loop: only the tree is used
    async with bot:
        await bot.login(settings.discord_token.get_secret_value())
        guild = discord.Object(guild_id) if guild_id is not None else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        commands = await bot.tree.sync(guild=guild)
    return [command.name for command in commands]


@app.command()
def main(
    guild: int | None = typer.Option(None, help="A server id: register the commands there only, effective at once."),
) -> None:
    """Register the bot's slash commands with Discord."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        names = asyncio.run(sync_commands(BotSettings(), guild))
    except (ValueError, discord.LoginFailure) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=1) from error
    where = f"server {guild}" if guild is not None else "every server"
    typer.echo(f"Registered {len(names)} command(s) for {where}: /{', /'.join(names)}")


if __name__ == "__main__":
    app()
