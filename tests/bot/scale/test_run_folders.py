"""A worker's run folders: one per run, gone when the run ends, and a dead worker's swept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.scale.run_folders import RunFolders


def dead_pid() -> int:
    """The id of a process that has exited (and was reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_run_folder_exists_during_the_run_only(tmp_path: Path) -> None:
    folders = RunFolders(tmp_path, "host", 4242)
    with folders.run("job1-r1") as folder:
        (folder / "painting.png").write_bytes(b"x")
        assert folder == tmp_path / "host-4242" / "job1-r1"
    assert not folder.exists()
    with pytest.raises(RuntimeError), folders.run("job2-r1") as folder:
        raise RuntimeError("the engine failed")
    assert not folder.exists()


def test_a_starting_worker_sweeps_the_folders_of_dead_workers_on_its_host_only(tmp_path: Path) -> None:
    me, gone, parent = os.getpid(), dead_pid(), os.getppid()
    kept = [f"host-{me}", f"host-{parent}", f"other-host-{gone}", "not-a-worker"]
    for name in [*kept, f"host-{gone}"]:
        (tmp_path / name / "run").mkdir(parents=True)
        (tmp_path / name / "run" / "photo.jpg").write_bytes(b"a user's upload")
    assert RunFolders(tmp_path, "host", 1).sweep_dead() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    assert RunFolders(tmp_path / "missing", "host", 1).sweep_dead() == 0
