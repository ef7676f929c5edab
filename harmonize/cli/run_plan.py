"""What `harmonize run` settles before computing: the output folder, the preset, an estimate."""

from __future__ import annotations

from pathlib import Path

from harmonize.options import HarmonizeOptions

# Measured on example 16 at 700 px with 2 CPU threads (docs/design/performance.md): a 100 + 100 run of
# the authors' settings took 169 s of pass 1 and 92 s of pass 2; the fast preset took 111 s in
# all, about 25 s of it outside the L-BFGS evaluations (matching, post-processing).
MEASURED_SIZE = 700
MEASURED_THREADS = 2
PASS1_S_PER_EVALUATION = 1.69
PASS2_S_PER_EVALUATION = 0.92
OVERHEAD_S = 25.0


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
    """ "paper" (the authors' settings) on a GPU, "fast" on a CPU, where paper takes about an hour."""
    return "paper" if device_type == "cuda" else "fast"


def estimated_seconds(options: HarmonizeOptions, threads: int) -> float:
    """Rough CPU seconds for `options` with `threads` torch threads, scaled from the measurement."""
    area = (options.size / MEASURED_SIZE) ** 2
    coarse_area = area * options.coarse_scale**2
    pass1 = options.iters1 * PASS1_S_PER_EVALUATION * coarse_area
    coarse_pass2 = (options.coarse_iters2 if options.coarse_scale < 1 else 0) * PASS2_S_PER_EVALUATION * coarse_area
    pass2 = options.iters2 * PASS2_S_PER_EVALUATION * area
    return (pass1 + coarse_pass2 + pass2 + OVERHEAD_S * area) * MEASURED_THREADS / max(1, threads)


def estimate_line(preset: str, options: HarmonizeOptions, device_type: str, threads: int) -> str:
    """One line printed before computing: the preset and, on a CPU, how long it should take."""
    head = f"preset {preset}, {options.size} px, {options.iters1} + {options.iters2} iterations"
    if device_type == "cuda":
        return f"{head} on the GPU (no time estimate: GPU speed is not measured yet)."
    minutes = estimated_seconds(options, threads) / 60
    amount = f"about {minutes:.0f} minutes" if minutes >= 1.5 else "about a minute or less"
    return f"{head} on the CPU ({threads} threads): {amount} (rough, from the README's measurements)."
