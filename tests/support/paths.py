"""Where the repository and the optional shared material are, for a test at any depth."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"  # ../shared: read-only material, absent on most machines
DPH = SHARED / "data" / "dph"  # the paper's examples
