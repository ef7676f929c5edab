"""Named engine settings the benchmark compares: the authors' and the fast ones."""

from __future__ import annotations

from harmonize.types import HarmonizeOptions

# ALGORITHM.md §3.4 / §4.4: 1000 L-BFGS evaluations per pass.
REFERENCE = {"iters1": 1000, "iters2": 1000}
# Measured trade-off for a chat bot on 2 CPU cores (README, performance section).
FAST = {"iters1": 200, "iters2": 200}


def preset_options(name: str, size: int, tau: float, post: bool = True) -> HarmonizeOptions:
    """HarmonizeOptions of preset `name` ("fast" or "reference") at `size` px."""
    iterations = {"fast": FAST, "reference": REFERENCE}[name]
    return HarmonizeOptions(size=size, tau=tau, post=post, **iterations)
