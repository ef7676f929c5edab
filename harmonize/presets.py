"""Named settings: the authors' ("paper") and the one a chat bot can afford ("fast").

"fast" was chosen with `harmonize bench --reference` on the paper's examples; the measured table is
in docs/design/performance.md.
"""

from __future__ import annotations

from typing import Any

from harmonize.options import HarmonizeOptions

PRESETS: dict[str, dict[str, Any]] = {
    "paper": {},  # HarmonizeOptions' defaults: the authors' iterations and sizes (docs/algorithm.md);
    # likeness (ours) keeps its default in every preset: likeness=0 gives the authors' method exactly
    "fast": {
        "coarse_scale": 0.5,  # pass 1 and a first pass 2 at half size (docs/design/performance.md)
        "iters1": 30,  # pass 1's loss barely moves; it only feeds the matching (docs/design/performance.md)
        "coarse_iters2": 100,  # sets the colours cheaply: example 3 needs it (docs/design/performance.md)
        "iters2": 50,  # the full-size pass 2, from the coarse one's upsampled change
    },
}


def preset_options(name: str, **overrides: Any) -> HarmonizeOptions:
    """HarmonizeOptions of preset `name` ("paper" or "fast"), with `overrides` on top."""
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}: use one of {', '.join(PRESETS)}.")
    return HarmonizeOptions(**PRESETS[name]).replace(**overrides)
