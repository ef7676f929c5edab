"""What `harmonize run` settles before computing: the output folder, the preset, an estimate."""

from __future__ import annotations

from pathlib import Path

from harmonize.options import HarmonizeOptions
from harmonize.time_estimate import estimated_seconds


def prepare_out(out: Path) -> None:
    """Create the output folder now, so that a bad `--out` fails before minutes of computing."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder (it is created if missing).")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"--out {out} cannot be created: {error.strerror or error}.") from error
    probe = out / ".harmonize-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ValueError(f"--out {out} is not writable: {error.strerror or error}.") from error


def default_preset(device_type: str) -> str:
    """ "paper" (the authors' settings) on a GPU, "standard" on a CPU, where paper takes about an hour."""
    return "paper" if device_type == "cuda" else "standard"


def estimate_line(preset: str, options: HarmonizeOptions, device_type: str, threads: int) -> str:
    """One line printed before computing: the preset and, on a CPU, how long it should take."""
    head = f"preset {preset}, {options.size} px, {options.iters1} + {options.iters2} iterations"
    if device_type == "cuda":
        return f"{head} on the GPU (no time estimate: GPU speed is not measured yet)."
    minutes = estimated_seconds(options, threads) / 60  # a typical object: it is not placed yet
    amount = f"about {minutes:.0f} minutes" if minutes >= 1.5 else "about a minute or less"
    return f"{head} on the CPU ({threads} threads): {amount} (rough, for an object of typical size)."
