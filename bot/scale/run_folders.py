"""Where a Redis-fed worker keeps a run's images while the engine works on them.

Each worker process has its own folder, <temp>/painterly-runs/<host>-<pid>, with one subfolder per
run, removed when the run ends. A worker killed with SIGKILL (or by the kernel for memory)
cannot remove anything, and what it leaves are users' uploads, so every worker, when it starts,
deletes the folders of the workers on its host that are no longer alive. Folders of other hosts
(a temp folder shared between machines) are never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

RUNS_FOLDER = "painterly-runs"


def process_alive(pid: int) -> bool:
    """True while a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class RunFolders:
    """One worker process's run folders under `root` (default: <temp>/painterly-runs)."""

    def __init__(self, root: Path | None = None, host: str | None = None, pid: int | None = None) -> None:
        self.root = root if root is not None else Path(tempfile.gettempdir()) / RUNS_FOLDER
        self.host = host if host is not None else socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()
        self.folder = self.root / f"{self.host}-{self.pid}"

    def sweep_dead(self) -> int:
        """Delete the folders of this host's workers that are no longer alive; return how many."""
        if not self.root.is_dir():
            return 0
        swept = 0
        for folder in self.root.iterdir():
            host, _, pid = folder.name.rpartition("-")
            if host != self.host or not pid.isdigit() or int(pid) == self.pid or process_alive(int(pid)):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            swept += 1
        if swept:
            log.warning("deleted the run folders of %d worker(s) that died mid-run", swept)
        return swept

    @contextlib.contextmanager
    def run(self, run_id: str) -> Iterator[Path]:
        """An empty folder for one run, deleted with everything in it when the block ends."""
        folder = self.folder / run_id
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
