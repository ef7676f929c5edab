"""Uploads decoded at once stay within a memory budget (issue 25, item 2).

A 1.3 MB PNG of 100 megapixels decodes to about 570 MiB, and a PNG can only be decoded whole;
twelve of them checked at once took 3.2 GB. So every upload's header is read first (cheap: size,
format, the limits' refusals), its decoding cost is estimated from the header's size, and the
decode waits until the budget (PAINTERLY_DECODE_MEMORY_MB) has room for it, first come first
served. A picture costlier than the whole budget is decoded alone. A JPEG costs at most its
reduced size: the reader decodes it at 1/2, 1/4 or 1/8 scale (harmonize/imageio.py).
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from bot.core.job_queue import validation
from harmonize.imageio import WORKING_PIXELS, Header

# Measured: a 100-megapixel RGB PNG read by validate_image raises the peak RSS by about 500 MiB
# (the decoded picture, its 8-bit copy and the reduced one): 6 bytes a pixel keeps a margin.
BYTES_PER_PIXEL = 6
# Pillow's draft() picks the largest DCT scale that keeps at least the asked size, so a JPEG is
# decoded at under 4 times (2 x 2) the reader's working size.
JPEG_DECODED_PIXELS = 4 * WORKING_PIXELS
# Decodes running at once at most, whatever the budget: the gate's "small semaphore".
DECODE_THREADS = 2
# Pillow allocates a picture in blocks of 16 MB by default, which glibc serves from per-thread
# arenas that keep their high-water mark: two decode threads held two 100-megapixel pictures'
# worth after they were done (peak 1070 MiB for 12 submissions). Blocks above glibc's largest
# mmap threshold (32 MiB on 64-bit) are mapped and unmapped one by one, so a decode's memory goes
# back as it ends (peak 619 MiB). Pillow reads the same setting from PILLOW_BLOCK_SIZE
# (pillow.readthedocs.io, reference/block_allocator).
PILLOW_BLOCK_BYTES = 64 * 2**20


def decode_cost(header: Header) -> int:
    """The bytes decoding a picture with this header takes, estimated from its size in pixels."""
    pixels = header.width * header.height
    if header.suffix == "jpeg":
        pixels = min(pixels, JPEG_DECODED_PIXELS)
    return pixels * BYTES_PER_PIXEL


class DecodeGate:
    """Admits decodes while their estimated costs fit in `budget_bytes`, in arrival order."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        self._used = 0
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()
        self._threads = ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="painterly-decode")
        Image.core.set_block_size(PILLOW_BLOCK_BYTES)  # process-wide; see PILLOW_BLOCK_BYTES

    def close(self) -> None:
        """Wait for the decodes running now and stop their threads (a service started again
        decodes on new ones: an executor starts its threads only when used)."""
        self._threads.shutdown(wait=True)
        self._threads = ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="painterly-decode")

    @property
    def in_use(self) -> int:
        """The estimated bytes of the decodes running now."""
        return self._used

    async def validate(self, data: bytes, what: str, max_bytes: int, max_pixels: int) -> str:
        """`validation.validate_image` within the budget: the header's refusals at once, the decode when it fits."""
        header = await asyncio.to_thread(validation.check_header, data, what, max_bytes, max_pixels)
        cost = min(decode_cost(header), self.budget)  # costlier than the budget: decoded alone
        await self._acquire(cost)
        decode = asyncio.get_running_loop().run_in_executor(
            self._threads, validation.validate_image, data, what, max_bytes, max_pixels
        )
        decode.add_done_callback(lambda done: self._finished(done, cost))
        # A cancelled caller does not stop the thread: its memory is given back when it ends.
        return await asyncio.shield(decode)

    async def _acquire(self, cost: int) -> None:
        """Wait until `cost` fits, behind every decode that came earlier."""
        if not self._waiting and self._used + cost <= self.budget:
            self._used += cost
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((cost, turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # admitted, then cancelled: give it back
                self._release(cost)
            else:
                self._waiting.remove((cost, turn))
                self._admit()
            raise

    def _finished(self, decode: asyncio.Future[str], cost: int) -> None:
        """A decode ended: its cost goes back; its error is retrieved even if nobody awaits it."""
        if not decode.cancelled():
            decode.exception()
        self._release(cost)

    def _release(self, cost: int) -> None:
        self._used -= cost
        self._admit()

    def _admit(self) -> None:
        """Let the first waiters in while they fit."""
        while self._waiting and self._used + self._waiting[0][0] <= self.budget:
            cost, turn = self._waiting.popleft()
            if turn.done():  # its caller was cancelled meanwhile
                continue
            self._used += cost
            turn.set_result(None)
