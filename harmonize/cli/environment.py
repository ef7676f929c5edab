"""The command line's one read of the environment: the cut-out's settings.

REMOVE_BG_API_KEY, PAINTERLY_REMBG_MODEL and PAINTERLY_CACHE_DIR (harmonize.cutout.settings);
the library below never reads the environment itself.
"""

from __future__ import annotations

import os

from harmonize.cutout import CutoutSettings, Cutter


def cutter_from_environment() -> Cutter:
    """A Cutter with the settings this process's environment names."""
    return Cutter(CutoutSettings.from_environment(os.environ))
