"""`painterly-bot`: run the core and every front end (Discord, Telegram) that has a token.

With no token set it runs the offline demo instead (`--serve` serves the queue anyway).

A front end is a package (`bot.discord`, `bot.telegram`) with
`create_front_end(service: HarmonizeService, settings: BotSettings) -> FrontEnd`, called before
the core starts (so its `service.add_listener(...)` also gets the events of jobs resumed at
start-up), where `FrontEnd.run()` connects and serves until cancelled.
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

from bot.core.service import HarmonizeService
from bot.core.settings import BotSettings

log = logging.getLogger("painterly.bot")

FRONT_ENDS = {"discord_token": "bot.discord", "telegram_token": "bot.telegram"}  # token -> package


class FrontEnd(Protocol):
    """A chat platform adapter: `run()` serves until cancelled."""

    async def run(self) -> None:
        """Connect to the platform and handle users until cancelled."""


def create_front_ends(service: HarmonizeService, settings: BotSettings) -> list[FrontEnd]:
    """Build the front ends whose token is set; a token without its package is an error."""
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
        front_ends.append(factory(service, settings))
    return front_ends


async def serve(settings: BotSettings, stop: asyncio.Event) -> None:
    """Run the core and the front ends until `stop` is set or a front end ends."""
    service = HarmonizeService(settings)
    front_ends = create_front_ends(service, settings)
    if not front_ends:
        log.warning("no front end configured: only the queue runs. Set PAINTERLY_DISCORD_TOKEN "
                    "or PAINTERLY_TELEGRAM_TOKEN (see .env.example).")
    async with service:
        tasks = [asyncio.create_task(front.run()) for front in front_ends]
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in [waiter, *tasks]:
            task.cancel()
        results = await asyncio.gather(waiter, *tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                log.error("a front end stopped with an error", exc_info=result)
    log.info("bye")


async def serve_until_signal(settings: BotSettings) -> None:
    """`serve` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


def run_offline_demo(out: Path) -> None:
    """No token: harmonize the bundled demo into `out`, so a first run still does something real."""
    from harmonize.cli.progress_bars import StageBars
    from harmonize.demo.runner import run_demo

    log.warning("No bot token set (PAINTERLY_DISCORD_TOKEN / PAINTERLY_TELEGRAM_TOKEN, see .env.example): "
                "running the offline demo into %s/ instead.", out)
    bars = StageBars()
    run_demo(out, progress=bars)
    bars.close()
    log.info("demo written: %s/compare.png shows painting, naive paste, pass 1, pass 2 and final", out)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: serve the bot, or run the offline demo when no token is set."""
    parser = argparse.ArgumentParser(prog="painterly-bot", description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true",
                        help="serve the queue even when no token is set (e.g. for Redis workers only)")
    parser.add_argument("--demo-out", type=Path, default=Path("demo-output"),
                        help="where the offline demo writes its pictures (default: demo-output)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = BotSettings()
    if not args.serve and settings.discord_token is None and settings.telegram_token is None:
        run_offline_demo(args.demo_out)
        return
    asyncio.run(serve_until_signal(settings))


if __name__ == "__main__":
    main(sys.argv[1:])
