"""Where the cut-out's services and models are: one settings object, given by the entry point.

The library never reads the environment below its entry points: the CLI builds these settings
with `from_environment(os.environ)`, the bot from its typed settings (`.env`), and library users
pass them to `Cutter` themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REMOVE_BG_KEY_ENV = "REMOVE_BG_API_KEY"  # remove.bg's own name for its key (remove.bg/api)
REMBG_MODEL_ENV = "PAINTERLY_REMBG_MODEL"  # a u2net.onnx already on disk: nothing is downloaded
CACHE_DIR_ENV = "PAINTERLY_CACHE_DIR"  # where downloaded models live
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "painterly"


@dataclass(frozen=True)
class CutoutSettings:
    """The remove.bg key, rembg's model file and the model cache folder; every field optional."""

    remove_bg_api_key: str | None = None
    rembg_model: Path | None = None  # a U^2-Net .onnx on disk; None: the cached download
    cache_dir: Path = DEFAULT_CACHE_DIR

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> CutoutSettings:
        """The settings named by REMOVE_BG_API_KEY, PAINTERLY_REMBG_MODEL and PAINTERLY_CACHE_DIR (blank: unset)."""
        key = environ.get(REMOVE_BG_KEY_ENV, "").strip() or None
        model = environ.get(REMBG_MODEL_ENV, "").strip()
        cache = environ.get(CACHE_DIR_ENV, "").strip()
        return cls(
            remove_bg_api_key=key,
            rembg_model=Path(model).expanduser() if model else None,
            cache_dir=Path(cache).expanduser() if cache else DEFAULT_CACHE_DIR,
        )


DEFAULT_SETTINGS = CutoutSettings()  # no remove.bg key, no named model, the default cache: offline methods
