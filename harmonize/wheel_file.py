"""A data file installed inside a Python package's wheel: how the offline ONNX models are found
(the cut-out's u2netp, the bot's picture check), with no model hub reached."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path


def wheel_file(distribution: str, member: str) -> Path | None:
    """The installed file `member` of the wheel `distribution`; None when either is missing."""
    try:
        installed = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(installed.locate_file(member)))
    return path if path.is_file() else None
