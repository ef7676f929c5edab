"""The remove.bg back end end to end, against a local HTTP server speaking remove.bg's API.

The server follows remove.bg's documented formats: POST multipart `image_file` with the key in
`X-Api-Key`, a PNG back on success, `{"errors": [{"title", "code"}]}` with 400/402/403/429.
"""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import cv2
import numpy as np
import pytest
from aiohttp import web
from PIL import Image

from harmonize.cutout import CutoutError, CutoutSettings, Cutter, cut_out
from harmonize.cutout.removebg import RemoveBgBackend, retry_after_seconds

KEY = "test-key"


@dataclass
class FakeRemoveBg:
    """Scripted answers (status, headers) popped per request; 200 when the script is empty."""

    url: str = ""
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    delay_s: float = 0.0


FAKE = web.AppKey("fake", FakeRemoveBg)


def errors(title: str, code: str) -> dict:
    return {"errors": [{"title": title, "code": code}]}


async def handle(request: web.Request) -> web.StreamResponse:
    fake = request.app[FAKE]
    form = await request.post()
    upload = form.get("image_file")
    fake.requests.append({k: v for k, v in form.items() if isinstance(v, str)})
    if fake.delay_s:
        await asyncio.sleep(fake.delay_s)
    if request.headers.get("X-Api-Key") != KEY:
        return web.json_response(errors("API Key invalid", "auth_failed"), status=403)
    if fake.script:
        status, headers = fake.script.pop(0)
        bodies = {
            400: errors("Could not identify foreground in image", "unknown_foreground"),
            402: errors("Insufficient credits", "insufficient_credits"),
            429: errors("Rate limit exceeded", "rate_limit_exceeded"),
        }
        if status >= 500:
            return web.Response(status=status, text="upstream failure")
        return web.json_response(bodies[status], status=status, headers=headers)
    if not isinstance(upload, web.FileField):
        return web.json_response(errors("No image given", "missing_source"), status=400)
    try:
        photo = Image.open(io.BytesIO(upload.file.read()))
        photo.load()
    except OSError:
        return web.json_response(errors("Failed to read the image", "invalid_image"), status=400)
    width, height = photo.width // 2, photo.height // 2  # like a "preview" size answer
    alpha = np.zeros((height, width), np.uint8)
    cv2.circle(alpha, (width // 2, height // 2), height // 4, 255, -1)
    rgba = np.dstack([np.asarray(photo.convert("RGB").resize((width, height))), alpha])
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    return web.Response(
        body=buffer.getvalue(),
        content_type="image/png",
        headers={"X-Credits-Charged": "1", "X-Width": str(width), "X-Height": str(height)},
    )


@pytest.fixture
async def server() -> AsyncIterator[FakeRemoveBg]:
    fake = FakeRemoveBg()
    app = web.Application()
    app[FAKE] = fake
    app.router.add_post("/v1.0/removebg", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.url = f"http://{host}:{port}/v1.0/removebg"
    yield fake
    await runner.cleanup()


def photo() -> np.ndarray:
    image = np.full((120, 160, 3), (200, 220, 235), np.uint8)
    cv2.circle(image, (80, 60), 30, (200, 40, 30), -1)
    return image


async def matte(fake: FakeRemoveBg, key: str = KEY, **kwargs) -> np.ndarray:
    backend = RemoveBgBackend(api_key=key, url=fake.url, **kwargs)
    return await asyncio.to_thread(backend.matte, photo(), None)


async def test_success_returns_the_png_alpha_at_the_photo_size(server: FakeRemoveBg) -> None:
    alpha = await matte(server)
    assert alpha.shape == (120, 160) and alpha.dtype == np.float32
    assert alpha[60, 80] == 1.0 and alpha[5, 5] == 0.0
    assert (alpha > 0.5).sum() == pytest.approx(np.pi * 30**2, rel=0.08)  # circle r = h/4 of 60, x2
    assert server.requests == [{"size": "auto", "format": "png"}]


async def test_box_is_sent_as_region_of_interest(server: FakeRemoveBg) -> None:
    backend = RemoveBgBackend(api_key=KEY, url=server.url)
    await asyncio.to_thread(backend.matte, photo(), (40, 20, 120, 100))
    assert server.requests[0]["roi"] == "40px 20px 120px 100px"


async def test_cut_out_through_removebg_crops_the_object(server: FakeRemoveBg, monkeypatch) -> None:
    monkeypatch.setattr("harmonize.cutout.removebg.REMOVE_BG_URL", server.url)
    cutter = Cutter(CutoutSettings(remove_bg_api_key=KEY))
    rgba = await asyncio.to_thread(cut_out, photo(), "auto", None, cutter)
    assert rgba.shape[2] == 4 and 60 <= rgba.shape[0] <= 70
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "remove.bg found no object in the photo"),
        (402, "remove.bg credits are used up"),
        (500, r"remove.bg is unavailable \(HTTP 500\): use the offline cut-out"),
        (503, r"remove.bg is unavailable \(HTTP 503\)"),
    ],
)
async def test_error_statuses_give_one_clear_line(server: FakeRemoveBg, status: int, message: str) -> None:
    server.script.append((status, {}))
    with pytest.raises(CutoutError, match=message) as caught:
        await matte(server)
    assert "\n" not in str(caught.value)


async def test_bad_key_is_reported(server: FakeRemoveBg) -> None:
    with pytest.raises(CutoutError, match="rejected the API key in REMOVE_BG_API_KEY"):
        await matte(server, key="wrong")


async def test_bad_image_is_reported_with_remove_bg_title(server: FakeRemoveBg, monkeypatch) -> None:
    monkeypatch.setattr("harmonize.cutout.removebg._encode_upload", lambda image: (b"not an image", 1.0))
    with pytest.raises(CutoutError, match=r"could not use the photo \(Failed to read the image\)"):
        await matte(server)


async def test_short_rate_limit_is_waited_out_and_retried_once(server: FakeRemoveBg) -> None:
    server.script.append((429, {"Retry-After": "0"}))
    alpha = await matte(server)
    assert alpha[60, 80] == 1.0 and len(server.requests) == 2


async def test_long_rate_limit_reports_the_wait(server: FakeRemoveBg) -> None:
    server.script.append((429, {"Retry-After": "120"}))
    with pytest.raises(CutoutError, match="rate limit is reached: try again in 120 s"):
        await matte(server)
    assert len(server.requests) == 1


async def test_rate_limit_twice_gives_up_after_one_retry(server: FakeRemoveBg) -> None:
    server.script.extend([(429, {"Retry-After": "0"}), (429, {"Retry-After": "0"})])
    with pytest.raises(CutoutError, match="rate limit"):
        await matte(server)
    assert len(server.requests) == 2


async def test_slow_server_times_out(server: FakeRemoveBg) -> None:
    server.delay_s = 1.0
    with pytest.raises(CutoutError, match=r"remove.bg is unavailable \(no answer within 0.2 s\)"):
        await matte(server, timeout_s=0.2)


async def test_connection_refused_suggests_grabcut() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = RemoveBgBackend(api_key=KEY, url=f"http://127.0.0.1:{port}/v1.0/removebg")
    with pytest.raises(CutoutError, match=r"remove.bg is unavailable \(cannot connect\): use the offline cut-out"):
        await asyncio.to_thread(backend.matte, photo(), None)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 30
