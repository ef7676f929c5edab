"""Back end `rembg`: rembg's full U^2-Net model (176 MB), run by onnxruntime (`pip install painterly[rembg]`).

The model rembg itself uses is fetched once, on first use, into the settings' cache folder and
checked against rembg's own checksum; an offline machine names a copy on disk in the settings
(`CutoutSettings.rembg_model`, PAINTERLY_REMBG_MODEL for the CLI and the bot). It runs through
the u2netp back end's code (the same input and outputs as U^2-Net-p, rembg sessions/u2net.py),
so the rembg package is not needed, and no rembg release can refuse where the file lives (rembg
2.0.86 opens only files inside its own folder).
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import httpx

from harmonize.cutout.base import CutoutError
from harmonize.cutout.grabcut import ITERATIONS
from harmonize.cutout.settings import DEFAULT_SETTINGS, REMBG_MODEL_ENV, CutoutSettings
from harmonize.cutout.u2netp import U2netBackend, import_onnxruntime
from harmonize.file_digest import file_hexdigest

log = logging.getLogger(__name__)

MODEL_URL = "https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2net.onnx"  # rembg sessions/u2net.py
MODEL_MD5 = "60024c5c889badc19c04ad937298a77b"  # the checksum rembg itself checks (sessions/u2net.py)
MODEL_MB = 176  # u2net.onnx's size, said before the download starts
MODEL_FILE = "u2net.onnx"
DOWNLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # an offline machine fails in seconds
INSTALL_HINT = "pip install painterly[rembg]"
OFFLINE = frozenset({"method"})


def cached_model(settings: CutoutSettings) -> Path:
    """Where the downloaded u2net.onnx lives: <cache_dir>/rembg/u2net.onnx."""
    return settings.cache_dir / "rembg" / MODEL_FILE


def rembg_ready(settings: CutoutSettings) -> bool:
    """Whether onnxruntime is installed and rembg's model is on disk (set, or downloaded before).

    Nothing is imported or checksummed (that is slow); the back end checks the file when it opens
    it. A model that is not on disk yet is not "ready": `auto` never starts a 176 MB download.
    """
    if importlib.util.find_spec("onnxruntime") is None:
        return False
    configured = settings.rembg_model
    return configured.is_file() if configured is not None else cached_model(settings).is_file()


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
            f"set {REMBG_MODEL_ENV} to a {MODEL_FILE} already on disk, or use the offline cut-out.",
            OFFLINE,
        ) from error
    finally:
        if owned:
            client.close()
    if file_hexdigest(partial, "md5") != MODEL_MD5:
        partial.unlink()
        raise CutoutError(
            f"The downloaded rembg model does not match its checksum (a broken or altered download): "
            f"try again, or set {REMBG_MODEL_ENV} to a good copy of {MODEL_FILE}.",
            OFFLINE,
        )
    partial.replace(destination)
    log.warning("rembg's model is ready: %s", destination)
    return destination


def resolve_model(settings: CutoutSettings, download: bool = True, client: httpx.Client | None = None) -> Path:
    """The model file to use: the settings' rembg_model, else the cached download.

    A configured file is used as it is (it may be a custom U^2-Net); the cached one is checked
    against its checksum and fetched again when it does not match. download=False never fetches.
    """
    given = settings.rembg_model
    if given is not None:
        if not given.is_file():
            raise CutoutError(f"The rembg model file {given} does not exist: check {REMBG_MODEL_ENV}.", OFFLINE)
        return given
    cached = cached_model(settings)
    if cached.is_file() and file_hexdigest(cached, "md5") == MODEL_MD5:
        return cached
    if not download:
        raise CutoutError(f"rembg's model is not downloaded yet (it goes to {cached.parent}).", OFFLINE)
    return download_model(cached, client)


class RembgBackend(U2netBackend):
    """rembg's U^2-Net on the model file resolve_model finds, run like u2netp; soft edges kept."""

    name = "rembg"

    def __init__(
        self,
        settings: CutoutSettings = DEFAULT_SETTINGS,
        download: bool = True,
        client: httpx.Client | None = None,
        threads: int = 0,
        iterations: int = ITERATIONS,
    ) -> None:
        onnxruntime = import_onnxruntime(self.name, INSTALL_HINT)  # before a 176 MB download
        super().__init__(onnxruntime, resolve_model(settings, download, client), threads, iterations)
