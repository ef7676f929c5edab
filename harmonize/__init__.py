"""painterly's engine: Deep Painterly Harmonization (Luan et al. 2018) as a library.

    from harmonize import harmonize, HarmonizeOptions
    result = harmonize(painting, naive, mask, options=HarmonizeOptions(size=400))
"""

from harmonize.api import harmonize, harmonize_object
from harmonize.types import HarmonizeOptions, HarmonizeResult, Placement, Progress

__all__ = ["harmonize", "harmonize_object", "HarmonizeOptions", "HarmonizeResult", "Placement", "Progress"]
