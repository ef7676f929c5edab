"""`painterly-bot` (`python -m bot.main`) as a child process that sees only the test's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.services import ENGINE


def bot_environment(tmp_path: Path | None = None, **values: str) -> dict[str, str]:
    """This process's environment for the child, then `values`.

    The developer's PAINTERLY_* settings and remove.bg key are left out, the test modules stay
    importable (PYTHONPATH), and with `tmp_path` the bot gets a temp database and storage and the
    fake engine.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAINTERLY_") and k != "REMOVE_BG_API_KEY"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    if tmp_path is not None:
        env.update(
            PAINTERLY_DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
            PAINTERLY_STORAGE_DIR=str(tmp_path / "files"),
            PAINTERLY_ENGINE=f"{ENGINE}:sleepy",
        )
    env.update(values)
    return env


def run_bot(cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """`python -m bot.main` run to its end in `cwd`: its exit status, stdout and stderr as text."""
    command = [sys.executable, "-m", "bot.main"]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
