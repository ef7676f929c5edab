"""painterly's engine: Deep Painterly Harmonization (Luan et al. 2018) as a library.

    from harmonize import harmonize, HarmonizeOptions
    result = harmonize(painting, naive, mask, options=HarmonizeOptions(size=400))

The heavy entry points (and torch) load on first use, so `harmonize.types` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harmonize.types import HarmonizeOptions, HarmonizeResult, Placement, Progress

if TYPE_CHECKING:
    from harmonize.api import harmonize, harmonize_object

__all__ = ["harmonize", "harmonize_object", "HarmonizeOptions", "HarmonizeResult", "Placement", "Progress"]


def __getattr__(name: str):
    if name in ("harmonize", "harmonize_object"):
        from harmonize import api

        return getattr(api, name)
    raise AttributeError(f"module 'harmonize' has no attribute {name!r}")
