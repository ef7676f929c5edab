"""A front end for the entry-point test: it follows the contract bot.main documents."""

from __future__ import annotations

import asyncio
import io

from PIL import Image

from bot.core import BotSettings, ChatLoop, HarmonizeService, JobDone, JobEvent, Requester

created: list[FakeFrontEnd] = []


class FakeFrontEnd:
    """Listens before start, then submits one job from run() and waits to be cancelled."""

    def __init__(self, service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> None:
        self.service = service
        self.chat_loop = chat_loop  # the process's one, started and stopped by bot.main
        self.done = asyncio.Event()
        self.cancelled = False
        service.add_listener(self.on_event, platform="fake")

    async def on_event(self, event: JobEvent) -> None:
        if isinstance(event, JobDone):
            self.done.set()

    async def run(self) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (48, 36)).save(buffer, "PNG")
        await self.service.submit(Requester("fake", "1", "1"), buffer.getvalue(), buffer.getvalue())
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


def create_front_end(service: HarmonizeService, settings: BotSettings, chat_loop: ChatLoop) -> FakeFrontEnd:
    front_end = FakeFrontEnd(service, settings, chat_loop)
    created.append(front_end)
    return front_end
