"""`harmonize bench --profile`: where each run's time went, stage by stage, against its window's size.

Reads the StageTimer figures a bench record carries (harmonize/stage_timer.py): CPU seconds per
stage, and each L-BFGS run's size, window and evaluations. CPU seconds of a one-thread run are the
figure to compare on a shared machine; wall seconds are shown beside them.
"""

from __future__ import annotations

from pathlib import Path

from harmonize.tools.bench.runner import RunRecord

# The columns: a stage of the timer, or several added up (matching includes building the targets).
COLUMNS: dict[str, tuple[str, ...]] = {
    "read + resize": ("read", "load", "levels"),
    "painting features": ("painting features",),
    "matching": (
        "pass1 matching",
        "pass2 coarse matching",
        "pass2 coarse targets",
        "pass2 matching",
        "pass2 targets",
    ),
    "pass 1 evals": ("pass1 evaluations",),
    "coarse pass 2 evals": ("pass2 coarse evaluations",),
    "full pass 2 evals": ("pass2 evaluations",),
    "post": ("post",),
    "write": ("write",),
}
END_TO_END = ("read", "total", "write")  # reading the files, the engine's run, writing the pictures
BASELINE = "fast"  # ratios are to this preset's run of the same example in the same bench


def end_to_end(seconds: dict[str, float]) -> float:
    """Reading, harmonizing and writing: what a user waits for (the network is loaded once per worker)."""
    return sum(seconds.get(stage, 0.0) for stage in END_TO_END)


def column_seconds(seconds: dict[str, float]) -> dict[str, float]:
    """COLUMNS' seconds, plus "other": the end to end time no column holds (blending, keeping the object)."""
    columns = {name: sum(seconds.get(stage, 0.0) for stage in stages) for name, stages in COLUMNS.items()}
    columns["other"] = end_to_end(seconds) - sum(columns.values())
    return columns


def full_window_pixels(record: RunRecord) -> int:
    """Pixels of the last (full-size) pass 2's window; 0 when the record has no L-BFGS runs."""
    runs = [run for run in record.optimisations if run["stage"] == "pass2"]
    return int(runs[-1]["window_pixels"]) if runs else 0


def evaluations_text(record: RunRecord) -> str:
    """Each L-BFGS run as 'pass1 29 @ 280x350 (w 28160 px)'."""
    return "; ".join(
        f"{run['stage']} {run['evaluations']} @ {run['size'][1]}x{run['size'][0]} (w {run['window_pixels']} px)"
        for run in record.optimisations
    )


def profile_line(record: RunRecord) -> str:
    """One run's stages in CPU seconds, for the terminal."""
    cpu = column_seconds(record.cpu_seconds)
    stages = ", ".join(f"{name} {value:.1f}" for name, value in cpu.items())
    return (
        f"example {record.example} {record.preset} ({record.threads} thread(s)): "
        f"{end_to_end(record.cpu_seconds):.1f} CPU s, {end_to_end(record.seconds):.1f} wall s end to end; "
        f"{stages}; {evaluations_text(record)}"
    )


def ratio_to_baseline(record: RunRecord, records: list[RunRecord]) -> float | None:
    """End-to-end CPU seconds over those of the BASELINE run of the same example and size, if any."""
    for other in records:
        if other.example == record.example and other.size == record.size and other.preset == BASELINE:
            base = end_to_end(other.cpu_seconds)
            return end_to_end(record.cpu_seconds) / base if base > 0 else None
    return None


def profile_table(records: list[RunRecord]) -> list[str]:
    """Markdown lines: CPU seconds per stage against the full-size window's pixels, smallest window first."""
    header = ["example", "preset", "threads", "window px", *COLUMNS, "other", "end to end CPU s", "wall s", "ratio"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for record in sorted(records, key=lambda r: (full_window_pixels(r), r.example, r.preset)):
        cpu = column_seconds(record.cpu_seconds)
        ratio = ratio_to_baseline(record, records)
        cells = [
            record.example,
            record.preset,
            str(record.threads),
            str(full_window_pixels(record)),
            *(f"{value:.1f}" for value in cpu.values()),
            f"{end_to_end(record.cpu_seconds):.1f}",
            f"{end_to_end(record.seconds):.1f}",
            "" if ratio is None else f"{ratio:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def append_profile(records: list[RunRecord], out: Path) -> None:
    """Add the profile table and every run's L-BFGS evaluations to out/bench.md."""
    lines = [
        "",
        "## Where the time goes (CPU seconds per stage)",
        "",
        *profile_table(records),
        "",
        "L-BFGS evaluations (network forward + backward passes) at each size, and the optimised window:",
        "",
        *(f"- {r.example} {r.preset}: {evaluations_text(r)}" for r in records),
    ]
    with (out / "bench.md").open("a") as handle:
        handle.write("\n".join(lines) + "\n")
