"""`painterly-bot`: run the core and every front end (Discord, Telegram) that has a token.

With no token set it runs the offline demo instead (`--serve` serves the queue anyway).

A front end is a package (`bot.discord`, `bot.telegram`) with
`create_front_end(service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> FrontEnd`,
called before the core starts (so its `service.add_listener(...)` also gets the events of jobs
resumed at start-up), where `FrontEnd.run()` connects and serves until cancelled. The process has
one `ChatLoop` (the preview sessions, the renderer, their janitor), built here and handed to every
front end; this module starts it after the core and stops it before the core, the front ends never.

A front end that stops on its own (a refused token, no network) stops the whole bot with exit
status 1, so that its supervisor (Docker's restart policy, systemd) restarts it; queued jobs
wait in the database meanwhile (docs/running.md). No secret the settings hold reaches the log
(bot/core/log_redaction.py).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from bot.core import BotSettings, ChatLoop, HarmonizeService, log_redaction
from bot.job_runners import make_runner

log = logging.getLogger("painterly.bot")

FRONT_ENDS = {
    "discord_token": "bot.discord",
    "telegram_token": "bot.telegram",
}  # token -> package
EXIT_FAILED = 1  # a front end or the core stopped on an error: a supervisor should restart the bot
EXIT_BAD_SETTINGS = 78  # EX_CONFIG (sysexits.h): the settings are invalid; a restart cannot help


class FrontEnd(Protocol):
    """A chat platform adapter: `run()` serves until cancelled."""

    async def run(self) -> None:
        """Connect to the platform and handle users until cancelled."""


def create_front_ends(service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> list[FrontEnd]:
    """Build the front ends whose token is set, all over the one `chat_loop`; a token without its
    package is an error."""
    front_ends: list[FrontEnd] = []
    for token_field, package in FRONT_ENDS.items():
        if getattr(settings, token_field) is None:
            log.info("%s: no PAINTERLY_%s, not started", package, token_field.upper())
            continue
        try:
            factory = importlib.import_module(package).create_front_end
        except (ImportError, AttributeError) as error:
            raise SystemExit(
                f"PAINTERLY_{token_field.upper()} is set but its front end is missing "
                f"({package}.create_front_end: {error}); unset the token or install it."
            ) from error
        front_ends.append(factory(service, settings, chat_loop))
    return front_ends


async def serve(settings: BotSettings, stop: asyncio.Event) -> int:
    """Run the core and the front ends until `stop` is set (0) or a front end stops (EXIT_FAILED).

    One front end stopping stops the others too: the process exits and its supervisor restarts
    it, rather than serving one platform silently while the other is down. The one chat loop
    starts after the core and stops after the front ends, before the core.
    """
    service = HarmonizeService(settings, make_runner(settings))
    chat_loop = ChatLoop(service)
    front_ends = create_front_ends(service, settings, chat_loop)
    if not front_ends:
        log.warning(
            "no front end configured: only the queue runs. Set PAINTERLY_DISCORD_TOKEN "
            "or PAINTERLY_TELEGRAM_TOKEN (see .env.example)."
        )
    async with service:
        await chat_loop.start()
        try:
            tasks = {asyncio.create_task(front.run()): type(front).__name__ for front in front_ends}
            waiter = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
            stopped = [task for task in tasks if task in done and not stop.is_set()]
            for task in [waiter, *tasks]:
                task.cancel()
            await asyncio.gather(waiter, *tasks, return_exceptions=True)
        finally:
            await chat_loop.stop()
        for task in stopped:
            error = None if task.cancelled() else task.exception()
            log.error(
                "%s stopped%s; stopping the bot (exit status %d) so that its supervisor can restart it",
                tasks[task],
                f": {error}" if error else " on its own",
                EXIT_FAILED,
                exc_info=error,
            )
    log.info("bye")
    return EXIT_FAILED if stopped else 0


async def serve_until_signal(settings: BotSettings) -> int:
    """`serve` until SIGINT or SIGTERM; returns its exit status."""
    stop = asyncio.Event()
    event_loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        event_loop.add_signal_handler(sig, stop.set)
    return await serve(settings, stop)


def run_offline_demo(out: Path) -> None:
    """No token: harmonize the bundled demo into `out`, so a first run still does something real."""
    from harmonize.cli.progress_bars import StageBars
    from harmonize.tools.demo.runner import run_demo

    log.warning(
        "No bot token set (PAINTERLY_DISCORD_TOKEN / PAINTERLY_TELEGRAM_TOKEN, see .env.example): "
        "running the offline demo into %s/ instead.",
        out,
    )
    bars = StageBars()
    run_demo(out, progress=bars)
    bars.close()
    log.info(
        "demo written: %s/compare.png shows painting, naive paste, pass 1, pass 2 and final",
        out,
    )


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: serve the bot, or run the offline demo when no token is set."""
    parser = argparse.ArgumentParser(prog="painterly-bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--serve",
        action="store_true",
        help="serve the queue even when no token is set (e.g. for Redis workers only)",
    )
    parser.add_argument(
        "--demo-out",
        type=Path,
        default=Path("demo-output"),
        help="where the offline demo writes its pictures (default: demo-output)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = BotSettings()
    except ValidationError as error:  # its text would quote the values, secrets included
        for problem in error.errors(include_input=False, include_url=False):
            log.error(
                "setting %s: %s",
                ".".join(map(str, problem["loc"])) or "?",
                problem["msg"],
            )
        raise SystemExit(EXIT_BAD_SETTINGS) from None
    log_redaction.install(log_redaction.settings_secrets(settings))
    if not args.serve and settings.discord_token is None and settings.telegram_token is None:
        run_offline_demo(args.demo_out)
        return
    try:
        status = asyncio.run(serve_until_signal(settings))
    except Exception:  # logged, not printed: the redaction filter sees the traceback
        log.exception("painterly-bot stopped on an error (exit status %d)", EXIT_FAILED)
        status = EXIT_FAILED
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
