"""Where a harmonization's time goes: wall and process-CPU seconds per named stage, and each L-BFGS run.

One StageTimer is made per run (by the caller, or by `Harmonizer.run` when none is given) and passed
down explicitly; `HarmonizeResult.seconds`, run.json, the progress events and `harmonize bench
--profile` all read it. Stages may nest ("pass1" holds "pass1 matching" and "pass1 evaluations");
a name used twice adds up (the painting's features are computed at two sizes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

Clock = Callable[[], float]


@dataclass(frozen=True)
class Optimisation:
    """One L-BFGS run: which, at what size, over how many pixels, for how many evaluations."""

    stage: str  # "pass1", "pass2 coarse" or "pass2"
    size: tuple[int, int]  # (H, W) of the level it ran at
    window: tuple[int, int]  # (H, W) of the optimised window (window.py)
    iterations: int  # the count it ran: iters1, or coarse_iters2 / iters2 under the iteration budget
    evaluations: int  # network forward + backward passes: iterations - 1, as torch7 counts (§3.4)

    @property
    def window_pixels(self) -> int:
        """Pixels of the optimised window."""
        return self.window[0] * self.window[1]


@dataclass
class StageTimes:
    """What a StageTimer measured, as plain data (JSON-ready through `to_dict`)."""

    wall: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cpu: dict[str, float] = field(default_factory=dict)  # process CPU seconds per stage (all threads)
    optimisations: list[Optimisation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every figure as JSON-ready values."""
        return {
            "wall": dict(self.wall),
            "cpu": dict(self.cpu),
            "optimisations": [asdict(o) | {"window_pixels": o.window_pixels} for o in self.optimisations],
        }


class StageTimer:
    """Measures named stages with two clocks: wall (perf_counter) and this process's CPU time."""

    def __init__(self, wall_clock: Clock = time.perf_counter, cpu_clock: Clock = time.process_time) -> None:
        self._wall_clock, self._cpu_clock = wall_clock, cpu_clock
        self.times = StageTimes()
        self._open: dict[str, float] = {}  # stage -> wall clock when it was entered

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage `name`, adding to what `name` already holds."""
        wall, cpu = self._wall_clock(), self._cpu_clock()
        self._open[name] = wall
        try:
            yield
        finally:
            del self._open[name]
            self.times.wall[name] = self.times.wall.get(name, 0.0) + self._wall_clock() - wall
            self.times.cpu[name] = self.times.cpu.get(name, 0.0) + self._cpu_clock() - cpu

    def elapsed(self, name: str) -> float:
        """Wall seconds of stage `name` so far, including the current run of it when open."""
        running = self._wall_clock() - self._open[name] if name in self._open else 0.0
        return self.times.wall.get(name, 0.0) + running

    def record(self, optimisation: Optimisation) -> None:
        """Note one L-BFGS run."""
        self.times.optimisations.append(optimisation)
