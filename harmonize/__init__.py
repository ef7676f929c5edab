"""painterly's engine: Deep Painterly Harmonization (Luan et al. 2018) as a library.

    from harmonize import Harmonizer, HarmonizeOptions
    result = Harmonizer().run(painting, naive, mask, options=HarmonizeOptions(size=400))

The heavy entry points (and torch) load on first use, so `harmonize.options` and
`harmonize.types` stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harmonize.options import HarmonizeOptions, OptionsError
from harmonize.types import HarmonizeResult, Placement, Progress

if TYPE_CHECKING:
    from harmonize.harmonizer import Harmonizer
    from harmonize.one_call import harmonize, harmonize_object

__all__ = [
    "Harmonizer",
    "harmonize",
    "harmonize_object",
    "HarmonizeOptions",
    "HarmonizeResult",
    "OptionsError",
    "Placement",
    "Progress",
]


def __getattr__(name: str):
    if name in ("harmonize", "harmonize_object"):
        from harmonize import one_call

        return getattr(one_call, name)
    if name == "Harmonizer":
        from harmonize.harmonizer import Harmonizer

        return Harmonizer
    raise AttributeError(f"module 'harmonize' has no attribute {name!r}")
