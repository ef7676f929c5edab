"""Back end `rembg`: the optional rembg package (U^2-Net, `pip install painterly[rembg]`).

Its model is fetched once, on first use, into a cache folder and checked against rembg's own
checksum; an offline machine points PAINTERLY_REMBG_MODEL (or `model_path`) at a copy on disk.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.file_digest import file_hexdigest

log = logging.getLogger(__name__)

MODEL_URL = "https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2net.onnx"  # rembg sessions/u2net.py
MODEL_MD5 = "60024c5c889badc19c04ad937298a77b"  # the checksum rembg itself checks (sessions/u2net.py)
MODEL_MB = 176  # u2net.onnx's size, said before the download starts
MODEL_FILE = "u2net.onnx"
MODEL_ENV = "PAINTERLY_REMBG_MODEL"  # a model file already on disk: nothing is downloaded
CACHE_ENV = "PAINTERLY_CACHE_DIR"  # where downloaded models live; default ~/.cache/painterly
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # an offline machine fails in seconds
INSTALL_HINT = "pip install painterly[rembg]"
OFFLINE = frozenset({"method"})


def cache_dir() -> Path:
    """The folder downloaded models go to: $PAINTERLY_CACHE_DIR, else ~/.cache/painterly."""
    return Path(os.environ.get(CACHE_ENV, "").strip() or Path.home() / ".cache" / "painterly")


def configured_model() -> Path | None:
    """The model file named by $PAINTERLY_REMBG_MODEL, or None when unset."""
    value = os.environ.get(MODEL_ENV, "").strip()
    return Path(value).expanduser() if value else None


def rembg_installed() -> bool:
    """Whether the optional rembg package is installed (found without importing it: that is slow)."""
    if "rembg" in sys.modules:
        return sys.modules["rembg"] is not None  # None: marked missing
    return importlib.util.find_spec("rembg") is not None


def download_model(destination: Path, client: httpx.Client | None = None) -> Path:
    """Fetch u2net.onnx to `destination`, check its MD5, and move it into place only if it matches."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    log.warning("Downloading rembg's model (%d MB) once into %s ...", MODEL_MB, destination.parent)
    owned = client is None
    client = client or httpx.Client(timeout=DOWNLOAD_TIMEOUT, follow_redirects=True)
    try:
        with client.stream("GET", MODEL_URL) as response:
            response.raise_for_status()
            with partial.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
    except httpx.HTTPError as error:
        partial.unlink(missing_ok=True)
        raise CutoutError(
            f"rembg's model could not be downloaded ({type(error).__name__}): on a machine without internet, "
            f"set {MODEL_ENV} to a {MODEL_FILE} already on disk, or use the offline cut-out.",
            OFFLINE,
        ) from error
    finally:
        if owned:
            client.close()
    if file_hexdigest(partial, "md5") != MODEL_MD5:
        partial.unlink()
        raise CutoutError(
            f"The downloaded rembg model does not match its checksum (a broken or altered download): "
            f"try again, or set {MODEL_ENV} to a good copy of {MODEL_FILE}.",
            OFFLINE,
        )
    partial.replace(destination)
    log.warning("rembg's model is ready: %s", destination)
    return destination


def resolve_model(
    model_path: str | Path | None = None, download: bool = True, client: httpx.Client | None = None
) -> Path:
    """The model file to use: `model_path`, else $PAINTERLY_REMBG_MODEL, else the cached download.

    A configured file is used as it is (it may be a custom U^2-Net); the cached one is checked
    against its checksum and fetched again when it does not match. download=False never fetches.
    """
    given = Path(model_path).expanduser() if model_path else configured_model()
    if given is not None:
        if not given.is_file():
            raise CutoutError(f"The rembg model file {given} does not exist: check {MODEL_ENV}.", OFFLINE)
        return given
    cached = cache_dir() / "rembg" / MODEL_FILE
    if cached.is_file() and file_hexdigest(cached, "md5") == MODEL_MD5:
        return cached
    if not download:
        raise CutoutError(f"rembg's model is not downloaded yet (it goes to {cached.parent}).", OFFLINE)
    return download_model(cached, client)


class RembgBackend(CutoutBackend):
    """Runs rembg's U^2-Net on the model file resolve_model finds; soft edges kept."""

    name = "rembg"

    def __init__(
        self, model_path: str | Path | None = None, download: bool = True, client: httpx.Client | None = None
    ) -> None:
        try:
            import rembg
        except ImportError as error:
            raise CutoutError(
                f"The rembg method needs the optional rembg package ({INSTALL_HINT}); or use the offline cut-out.",
                OFFLINE,
            ) from error
        self.model = resolve_model(model_path, download, client)
        self._remove = rembg.remove
        try:
            self._session = rembg.new_session("u2net_custom", model_path=str(self.model))  # rembg's file-path session
        except ValueError as error:  # rembg 2.0.86 refuses a model outside its own folder (sessions/base.py)
            raise CutoutError(
                f"This rembg release only opens models inside its own folder ({error}): move {self.model.name} "
                f"there and set {MODEL_ENV} to it, or set REMBG_HOME to {self.model.parent}.",
                OFFLINE,
            ) from error

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> rembg's (h, w) float32 mask in [0, 1]; with a box, only the box is seen."""
        h, w = image.shape[:2]
        x0, y0, x1, y1 = box if box is not None else (0, 0, w, h)
        photo = Image.fromarray(np.ascontiguousarray(image[y0:y1, x0:x1, :3]))
        mask = np.asarray(self._remove(photo, session=self._session, only_mask=True).convert("L"), np.float32) / 255.0
        matte = np.zeros((h, w), np.float32)
        matte[y0:y1, x0:x1] = mask
        return matte
