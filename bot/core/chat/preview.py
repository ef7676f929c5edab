"""The preview: the object cut out and pasted into the painting (no harmonization), small and fast.

Renders run on the renderer's own thread pool, never on the event loop and never behind the
harmonization workers. Each session's reduced painting, reduced photo and cut-outs (one per
method) are kept in a small LRU, so a move or a resize only re-composes: about 0.1 s.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from bot.core.chat.loop_state import LoopState
from bot.core.running.engine_errors import chat_failure
from harmonize.cutout import Cutter
from harmonize.cutout.core import CUTOUT_SIDE, shrink_for_cutout
from harmonize.imageio import ImageError, read_object, read_painting
from harmonize.placement import compose
from harmonize.types import Placement

PREVIEW_PIXELS = 768 * 576  # the preview: legible in a chat, quick to send
JPEG_QUALITY = 85
CACHED_SESSIONS = 16  # sessions whose images stay in memory (a few MB each)
T = TypeVar("T")


class PreviewError(ValueError):
    """The preview could not be made; the message is for the user."""


@dataclass(frozen=True)
class Preview:
    """A rendered preview: JPEG bytes, the cut-out method used and the ones the photo allows."""

    image: bytes
    method: str
    methods: tuple[str, ...]
    mask: np.ndarray  # (H, W) float32 in [0, 1]: the object at the preview's size (for the time estimate)


@dataclass
class _Images:
    """One session's decoded inputs and cut-outs; `lock` serialises work on them."""

    painting: np.ndarray  # (H, W, 3) float32 in [0, 1], at most PREVIEW_PIXELS
    photo: np.ndarray  # (h, w, 3|4) uint8, at most CUTOUT_SIDE on its longest side
    cutouts: dict[str, np.ndarray] = field(default_factory=dict)  # method -> (h, w, 4) uint8
    lock: threading.Lock = field(default_factory=threading.Lock)


def encode_jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """(H, W, 3) float in [0, 1] or uint8 -> JPEG bytes."""
    if image.dtype != np.uint8:
        image = np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def encode_png(rgba: np.ndarray) -> bytes:
    """(h, w, 4) uint8 -> PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    return buffer.getvalue()


class PreviewRenderer:
    """Renders previews on `threads` threads of its own with `cutter`, caching each session's cut-outs."""

    def __init__(self, cutter: Cutter, threads: int = 1, cached_sessions: int = CACHED_SESSIONS) -> None:
        self.cutter = cutter
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="painterly-preview")
        self._cached_sessions = cached_sessions
        self._images: OrderedDict[str, _Images] = OrderedDict()
        self._loading: dict[str, asyncio.Future[_Images]] = {}

    async def render(self, session_id: str, painting: Path, photo: Path, state: LoopState) -> Preview:
        """The preview of `state`; raises PreviewError (e.g. no object found) or
        FileNotFoundError (the session's files were deleted)."""
        images = await self._session_images(session_id, painting, photo)
        return await self._run(_render, self.cutter, images, state)

    async def cutout_png(self, session_id: str, painting: Path, photo: Path, method: str) -> bytes:
        """The session's cut-out by `method` as a PNG with transparency (what a job paints)."""
        images = await self._session_images(session_id, painting, photo)
        rgba, _ = await self._run(_cutout, self.cutter, images, method)
        return await self._run(encode_png, rgba)

    def forget(self, session_id: str) -> None:
        """Drop a session's images from memory (it ended or its data was deleted)."""
        self._images.pop(session_id, None)

    def close(self) -> None:
        """Stop the threads (renders under way finish first)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the renderer's threads."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _session_images(self, session_id: str, painting: Path, photo: Path) -> _Images:
        """The session's decoded images, from the cache or decoded once (concurrent calls share)."""
        if session_id in self._images:
            self._images.move_to_end(session_id)
            return self._images[session_id]
        pending = self._loading.get(session_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[_Images] = asyncio.get_running_loop().create_future()
        self._loading[session_id] = future
        try:
            images = await self._run(_load, painting, photo)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: concurrent callers re-raise it themselves
            raise
        finally:
            self._loading.pop(session_id, None)
        future.set_result(images)
        self._images[session_id] = images
        while len(self._images) > self._cached_sessions:
            self._images.popitem(last=False)
        return images


def _load(painting: Path, photo: Path) -> _Images:
    """Decode both inputs at preview and cut-out sizes (CUTOUT_SIDE, as every cut-out), with the
    engine's reader: upright, and JPEGs decoded at a reduced scale, which is what makes
    12-megapixel photos fast.

    Raises FileNotFoundError when a file is gone (the session was deleted), PreviewError when a
    picture cannot be used."""
    for path in (painting, photo):
        if not path.is_file():
            raise FileNotFoundError(path)
    try:
        return _Images(
            read_painting(painting, "The painting", PREVIEW_PIXELS),
            shrink_for_cutout(read_object(photo, "The object photo", CUTOUT_SIDE * CUTOUT_SIDE))[0],
        )
    except ImageError as error:
        raise PreviewError(error.message) from error


def _cutout(cutter: Cutter, images: _Images, method: str) -> tuple[np.ndarray, str]:
    """The cut-out by `method` ("auto": the engine's choice), computed once; and the method used."""
    with images.lock:
        chosen = cutter.auto_methods(images.photo)[0] if method == "auto" else method
        if chosen not in images.cutouts:
            try:
                images.cutouts[chosen], _ = cutter.cut_out(images.photo, chosen)
            except ValueError as error:  # CutoutError: worded for a chat by engine_errors
                raise PreviewError(chat_failure(error).text) from error
        return images.cutouts[chosen], chosen


def _render(cutter: Cutter, images: _Images, state: LoopState) -> Preview:
    """Compose the cut-out at the state's placement and encode it."""
    rgba, chosen = _cutout(cutter, images, state.method)
    try:
        naive, mask = compose(images.painting, rgba, Placement(state.x, state.y, state.height))
    except ValueError as error:
        raise PreviewError(chat_failure(error).text) from error
    return Preview(encode_jpeg(naive), chosen, cutter.offered_methods(images.photo), mask)
