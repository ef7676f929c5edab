"""A file's hex digest, read in chunks: how downloaded weights and models are checked.

`hashlib.file_digest` does this from Python 3.11; the project supports 3.10.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK_BYTES = 1 << 20  # weights files are hundreds of MB: read 1 MiB at a time


def file_hexdigest(path: Path, algorithm: str) -> str:
    """Hex digest of the file's bytes by a hashlib algorithm name ("sha256", "md5")."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()
