"""Inside one worker process: load the engine once, then run job after job with it.

PAINTERLY_ENGINE names the engine as "module:name". A class is built once per worker process
with the device and the cut-out's settings (`HarmonizerEngine(device, cutout)` holds the network
and the cut-out's back ends for the process's life); a plain function `engine(request, progress)`
is called as it is (the tests' fast fakes).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import math
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from bot.core import log_redaction
from bot.core.running.engine_errors import chat_failure
from bot.core.running.engine_request import (
    Engine,
    EngineRequest,
    EngineUserError,
    WorkerOutcome,
)
from harmonize.cutout.settings import CutoutSettings
from harmonize.types import Progress

log = logging.getLogger(__name__)

PARENT_POLL_S = 1.0  # how soon an orphaned child notices its parent died
GENERIC_FAILURE = "Something went wrong inside the engine; the bot's log says why."
OUT_OF_MEMORY = "The engine ran out of memory; try a faster quality or smaller images."


def watch_parent() -> None:
    """In a child process: exit at once when the parent dies (a SIGKILL leaves it no cleanup)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="painterly-watch-parent", daemon=True).start()


def load_engine(path: str, device: str, cutout: CutoutSettings) -> Engine:
    """Import "package.module:name": a class is built with `device` and `cutout`, a function returned as is."""
    module_name, _, name = path.partition(":")
    found = getattr(importlib.import_module(module_name), name, None)
    if inspect.isclass(found):
        return cast(Engine, cast(Any, found)(device, cutout))
    if not callable(found):
        raise ValueError(f"{path}: {module_name} has no engine class or function {name!r}")
    return cast(Engine, found)


@dataclass(frozen=True)
class WorkerRuntime:
    """What one worker process keeps between jobs: its engine."""

    engine: Engine


_runtime: WorkerRuntime | None = None  # this process's runtime; ProcessPoolExecutor's
# initializer and its jobs are separate calls, so the process itself must hold it


def init_worker(engine_path: str, device: str, cutout: CutoutSettings) -> None:
    """Worker-process initializer: exit with the parent, build the engine once."""
    global _runtime
    watch_parent()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d %(message)s")
    log_redaction.install([cutout.remove_bg_api_key] if cutout.remove_bg_api_key else [])
    _runtime = WorkerRuntime(load_engine(engine_path, device, cutout))


class ProgressSender:
    """A progress callback that forwards (job id, stage, fraction) at most once per interval.

    `clock`: seconds, monotonic (injected by tests).
    """

    def __init__(
        self, job_id: str, channel: Any, interval_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.job_id = job_id
        self.channel = channel
        self.interval_s = interval_s
        self._clock = clock
        self._last = -math.inf

    def __call__(self, progress: Progress) -> None:
        now = self._clock()
        if now - self._last < self.interval_s:
            return
        self._last = now
        try:
            self.channel.put((self.job_id, progress.stage, progress.fraction))
        except (EOFError, OSError) as error:
            log.warning("progress for job %s lost: %s", self.job_id, error)


def run_job(request: EngineRequest, channel: Any, interval_s: float) -> WorkerOutcome:
    """Run this process's engine on one job; never raises (errors become a WorkerOutcome)."""
    if _runtime is None:
        return WorkerOutcome(False, GENERIC_FAILURE, "init_worker was not run in this process")
    try:
        _runtime.engine(request, ProgressSender(request.job_id, channel, interval_s))
    except EngineUserError as error:
        return WorkerOutcome(False, str(error))
    except ValueError as error:  # the engine words these for its CLI; a chat gets its own words
        return WorkerOutcome(False, chat_failure(error).text, traceback.format_exc())
    except MemoryError:
        return WorkerOutcome(False, OUT_OF_MEMORY, traceback.format_exc())
    except Exception as error:
        if "OutOfMemory" in type(error).__name__:  # torch.cuda.OutOfMemoryError
            return WorkerOutcome(False, OUT_OF_MEMORY, traceback.format_exc())
        return WorkerOutcome(False, GENERIC_FAILURE, traceback.format_exc())
    return WorkerOutcome(True)
