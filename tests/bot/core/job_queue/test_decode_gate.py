"""Uploads decoded at once stay within a memory budget (issue 25, item 2)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.core import InvalidImage
from bot.core.job_queue import validation
from bot.core.job_queue.decode_gate import DecodeGate, decode_cost
from harmonize.imageio import Header
from tests.support.big_png import write_big_png
from tests.support.discord_world import png
from tests.support.paths import REPO

MIB = 2**20
BIG_SIDE = 10_000  # 100 megapixels: 1.3 MB as a PNG, about 570 MiB decoded (the file)
SUBMISSIONS = 12


def test_a_hundred_megapixel_png_reads_as_such(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    write_big_png(path, BIG_SIDE, BIG_SIDE)
    assert path.stat().st_size < 2_000_000
    header = validation.check_header(path.read_bytes(), "painting", 10**7, 2 * 10**8)
    assert (header.suffix, header.width, header.height) == ("png", BIG_SIDE, BIG_SIDE)
    assert decode_cost(Header("jpeg", BIG_SIDE, BIG_SIDE)) < decode_cost(header) / 3  # JPEGs decode reduced


def test_twelve_concurrent_hundred_megapixel_pngs_peak_under_a_gibibyte(tmp_path: Path) -> None:
    """In a child process, so that the peak is the core's alone (it was 3.2 GB in the issue)."""
    path = tmp_path / "big.png"
    write_big_png(path, BIG_SIDE, BIG_SIDE)
    child = subprocess.run(
        [sys.executable, "-m", "tests.support.decode_peak", str(path), str(tmp_path / "bot"), str(SUBMISSIONS), "768"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    assert measured["accepted"] == SUBMISSIONS
    assert measured["peak_mib"] <= 1024, measured


class BlockingDecodes:
    """Stands in for validate_image: each decode waits for the test's go; who runs is recorded."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.started = threading.Semaphore(0)
        self.go: dict[str, threading.Event] = {}

    def __call__(self, data: bytes, what: str, *limits: int) -> str:
        self.go.setdefault(what, threading.Event())
        self.running.append(what)
        self.started.release()
        self.go[what].wait(30)
        self.running.remove(what)
        return "png"

    def release(self, what: str) -> None:
        self.go.setdefault(what, threading.Event()).set()

    async def wait_started(self, count: int = 1) -> None:
        for _ in range(count):
            await asyncio.to_thread(self.started.acquire, True, 30)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> BlockingDecodes:
    fake = BlockingDecodes()
    monkeypatch.setattr(validation, "validate_image", fake)
    return fake


async def test_decodes_wait_until_the_budget_has_room_first_come_first_served(decodes: BlockingDecodes) -> None:
    picture = png(size=(100, 100))  # costs 60 000 bytes
    gate = DecodeGate(budget_bytes=130_000)  # room for two
    try:
        tasks = {name: asyncio.create_task(gate.validate(picture, name, 10**7, 10**8)) for name in "abc"}
        await decodes.wait_started(2)
        assert sorted(decodes.running) == ["a", "b"] and gate.in_use == 120_000
        decodes.release("a")
        await decodes.wait_started()
        assert sorted(decodes.running) == ["b", "c"]
        decodes.release("b"), decodes.release("c")
        assert await asyncio.gather(*tasks.values()) == ["png"] * 3 and gate.in_use == 0
    finally:
        gate.close()


async def test_a_picture_above_the_budget_decodes_alone_and_refusals_never_wait(decodes: BlockingDecodes) -> None:
    gate = DecodeGate(budget_bytes=100_000)
    try:
        big = asyncio.create_task(gate.validate(png(size=(400, 400)), "big", 10**7, 10**8))
        await decodes.wait_started()
        small = asyncio.create_task(gate.validate(png(size=(40, 40)), "small", 10**7, 10**8))
        with pytest.raises(InvalidImage, match="too many pixels"):  # from the header, not queued
            await gate.validate(png(size=(400, 400)), "other", 10**7, 1000)
        with pytest.raises(InvalidImage, match="not an image"):
            await gate.validate(b"%PDF-1.4 not a picture", "other", 10**7, 10**8)
        assert decodes.running == ["big"] and not small.done()
        decodes.release("big"), decodes.release("small")
        assert await asyncio.gather(big, small) == ["png", "png"] and gate.in_use == 0
    finally:
        gate.close()


async def test_a_cancelled_submission_gives_its_room_back(decodes: BlockingDecodes) -> None:
    gate = DecodeGate(budget_bytes=70_000)  # room for one
    picture = png(size=(100, 100))
    try:
        first = asyncio.create_task(gate.validate(picture, "first", 10**7, 10**8))
        await decodes.wait_started()
        waiting = asyncio.create_task(gate.validate(picture, "waiting", 10**7, 10**8))
        third = asyncio.create_task(gate.validate(picture, "third", 10**7, 10**8))
        await asyncio.sleep(0)
        waiting.cancel()
        first.cancel()  # its decode goes on in its thread; its room comes back when it ends
        decodes.release("first")
        await decodes.wait_started()
        assert decodes.running == ["third"]
        decodes.release("third")
        assert await third == "png" and gate.in_use == 0
    finally:
        gate.close()
