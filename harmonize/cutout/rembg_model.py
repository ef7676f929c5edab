"""Back end `rembg`: the optional rembg package (U^2-Net), when it and its model are installed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from harmonize.cutout.base import Box, CutoutBackend, CutoutError

MODEL = "u2net"  # rembg's default model
INSTALL_HINT = "pip install painterly[rembg]"


class RembgBackend(CutoutBackend):
    """Runs a rembg session; never downloads a model itself (rembg.new_session does on first use)."""

    name = "rembg"

    def __init__(self, model: str = MODEL) -> None:
        try:
            import rembg
            from rembg.sessions import sessions
        except ImportError as error:
            raise CutoutError(
                f"The rembg method needs the optional rembg package: {INSTALL_HINT}, or use --method grabcut."
            ) from error
        if model not in sessions:
            raise CutoutError(f"rembg has no model {model!r}: use one of {', '.join(sorted(sessions))}.")
        weights = Path(sessions[model].u2net_home()) / f"{model}.onnx"  # rembg's download path
        if not weights.is_file():
            fetch = f"python -c \"import rembg; rembg.new_session('{model}')\""
            raise CutoutError(
                f"rembg's model {model} is not downloaded yet: run {fetch} once, or use --method grabcut."
            )
        self._remove = rembg.remove
        self._session = rembg.new_session(model)

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> rembg's (h, w) float32 mask in [0, 1]."""
        photo = Image.fromarray(np.ascontiguousarray(image[..., :3]))
        mask = self._remove(photo, session=self._session, only_mask=True)
        return np.asarray(mask.convert("L"), dtype=np.float32) / 255.0
