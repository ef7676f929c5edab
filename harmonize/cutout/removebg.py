"""Back end `removebg`: the remove.bg HTTP API (https://www.remove.bg/api), called with httpx."""

from __future__ import annotations

import email.utils
import io
import logging
import time
from datetime import datetime, timezone

import cv2
import httpx
import numpy as np
from PIL import Image, UnidentifiedImageError

from harmonize.cutout.base import Box, CutoutBackend, CutoutError
from harmonize.cutout.settings import REMOVE_BG_KEY_ENV

log = logging.getLogger(__name__)

REMOVE_BG_URL = "https://api.remove.bg/v1.0/removebg"  # remove.bg API reference
TIMEOUT_S = 60.0  # remove.bg answers in seconds; a stalled upload should not hang a job
CONNECT_TIMEOUT_S = 10.0
MAX_RETRY_WAIT_S = 10.0  # a 429 whose Retry-After is this short is waited out and retried once
UPLOAD_SIDE = 4000  # longest side sent: more than any painting needs, well under remove.bg's 22 MB
UPLOAD_JPEG_QUALITY = 95
OFFLINE = frozenset({"method"})  # every remove.bg failure: another method helps
UNAVAILABLE = "remove.bg is unavailable ({reason}): use the offline cut-out."


def _failure(message: str) -> CutoutError:
    """A remove.bg failure: the message, and another method as the advice."""
    return CutoutError(message, OFFLINE)


class RemoveBgBackend(CutoutBackend):
    """Sends the photo to remove.bg and uses the alpha of the PNG it returns."""

    name = "removebg"

    def __init__(
        self,
        api_key: str | None = None,
        url: str | None = None,
        timeout_s: float = TIMEOUT_S,
        max_retry_wait_s: float = MAX_RETRY_WAIT_S,
    ) -> None:
        if not api_key:
            raise _failure(
                f"The removebg method needs an API key: set {REMOVE_BG_KEY_ENV} (remove.bg/api), "
                "or use the offline cut-out."
            )
        self.api_key: str = api_key
        self.url = url or REMOVE_BG_URL
        self.timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self.max_retry_wait_s = max_retry_wait_s

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> (h, w) float32 alpha in [0, 1] from remove.bg's PNG."""
        h, w = image.shape[:2]
        upload, scale = _encode_upload(image)
        fields = {"size": "auto", "format": "png"}
        if box is not None:
            x0, y0, x1, y1 = (round(v * scale) for v in box)
            fields["roi"] = f"{x0}px {y0}px {x1}px {y1}px"  # remove.bg: only this region can be foreground
        response = self._post(upload, fields)
        try:
            result = Image.open(io.BytesIO(response.content))
            alpha = np.asarray(result.convert("RGBA"), dtype=np.uint8)[..., 3]
        except (UnidentifiedImageError, OSError) as error:
            raise _failure(
                "remove.bg sent back something that is not an image: try again, or use the offline cut-out."
            ) from error
        if alpha.shape != (h, w):
            return cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        return alpha.astype(np.float32) / 255.0

    def _post(self, upload: bytes, fields: dict[str, str]) -> httpx.Response:
        """POST the image; wait out and retry one short rate limit; raise CutoutError otherwise."""
        for attempt in (1, 2):
            try:
                with httpx.Client(timeout=self.timeout) as client:
                    response = client.post(
                        self.url,
                        headers={"X-Api-Key": self.api_key},
                        data=fields,
                        files={"image_file": ("image.jpg", upload, "image/jpeg")},
                    )
            except httpx.TimeoutException as error:
                raise _failure(UNAVAILABLE.format(reason=f"no answer within {self.timeout.read:g} s")) from error
            except httpx.TransportError as error:
                raise _failure(UNAVAILABLE.format(reason="cannot connect")) from error
            if response.status_code != 429:
                break
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt == 2 or wait is None or wait > self.max_retry_wait_s:
                when = f"in {wait:.0f} s" if wait is not None else "later"
                raise _failure(f"remove.bg's rate limit is reached: try again {when}, or use the offline cut-out.")
            log.info("remove.bg rate limit: waiting %.1f s, then retrying once", wait)
            time.sleep(wait)
        if response.status_code != 200:
            raise _failure(_error_message(response))
        return response


def _encode_upload(image: np.ndarray) -> tuple[bytes, float]:
    """The photo as JPEG bytes, shrunk to UPLOAD_SIDE at most, and the scale applied."""
    h, w = image.shape[:2]
    scale = min(1.0, UPLOAD_SIDE / max(h, w))
    rgb = np.ascontiguousarray(image[..., :3])
    if scale < 1.0:
        rgb = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=UPLOAD_JPEG_QUALITY)
    return buffer.getvalue(), scale


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _error_title(response: httpx.Response) -> tuple[str, str]:
    """(title, code) of remove.bg's `{"errors": [{"title": ..., "code": ...}]}`, or ("", "")."""
    try:
        first = response.json()["errors"][0]
        return str(first.get("title", "")).rstrip("."), str(first.get("code", ""))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return "", ""


def _error_message(response: httpx.Response) -> str:
    """One user-facing line for a remove.bg error status."""
    status = response.status_code
    title, code = _error_title(response)
    if status == 400:
        if code == "unknown_foreground":
            return "remove.bg found no object in the photo: use the offline cut-out with a box around the object."
        return (
            f"remove.bg could not use the photo ({title or 'bad request'}): try another photo or the offline cut-out."
        )
    if status == 402:
        return "remove.bg credits are used up: add credits at remove.bg, or use the offline cut-out."
    if status in (401, 403):
        return f"remove.bg rejected the API key in {REMOVE_BG_KEY_ENV}: check it, or use the offline cut-out."
    if status >= 500:
        return UNAVAILABLE.format(reason=f"HTTP {status}")
    return f"remove.bg answered HTTP {status}{': ' + title if title else ''}; use the offline cut-out."
