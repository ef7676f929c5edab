"""`harmonize run` settles its output folder, preset and estimate before any computing."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from harmonize.cli import run_command
from harmonize.cli.main import app
from harmonize.cli.run_plan import default_preset, estimated_seconds
from harmonize.presets import preset_options

runner = CliRunner()


class NoComputing:
    """Stands in for the Harmonizer: building one means computing was about to start."""

    built = 0

    def __init__(self, *args, **kwargs) -> None:
        NoComputing.built += 1
        raise ValueError("computing started")


@pytest.fixture
def pictures(tmp_path, monkeypatch):
    """A painting and an object photo; the Harmonizer replaced by NoComputing."""
    monkeypatch.setattr(run_command, "Harmonizer", NoComputing)
    NoComputing.built = 0
    rng = np.random.default_rng(0)
    paths = {"painting": tmp_path / "painting.png", "object": tmp_path / "object.png"}
    Image.fromarray((rng.random((48, 64, 3)) * 255).astype(np.uint8)).save(paths["painting"])
    cut_out_already = np.zeros((48, 64, 4), np.uint8)  # its own alpha: no cut-out to compute
    cut_out_already[12:36, 20:44] = (200, 60, 30, 255)
    Image.fromarray(cut_out_already).save(paths["object"])
    return paths


def run(pictures, out, *extra):
    return runner.invoke(
        app,
        [
            "run",
            "--painting",
            str(pictures["painting"]),
            "--object",
            str(pictures["object"]),
            "--out",
            str(out),
            *map(str, extra),
        ],
    )


def test_an_out_that_is_a_file_fails_before_computing(pictures, tmp_path) -> None:
    existing = tmp_path / "result.png"
    existing.write_bytes(b"keep me")
    result = run(pictures, existing)
    assert result.exit_code == 2 and NoComputing.built == 0
    assert result.output.strip() == f"error: --out {existing} is a file; give a folder (it is created if missing)."
    assert existing.read_bytes() == b"keep me"


def test_an_out_under_a_file_fails_before_computing(pictures, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(pictures, blocker / "out")
    assert result.exit_code == 2 and NoComputing.built == 0
    assert result.output.startswith(f"error: --out {blocker / 'out'} cannot be created")


def test_the_cpu_default_is_the_standard_preset_and_its_estimate_comes_first(pictures, tmp_path) -> None:
    result = run(pictures, tmp_path / "out", "--device", "cpu")
    first = result.output.splitlines()[0]
    assert first.startswith("preset standard, 700 px, 15 + 30 iterations on the CPU") and "about" in first
    assert NoComputing.built == 1


def test_an_explicit_preset_wins(pictures, tmp_path) -> None:
    result = run(pictures, tmp_path / "out", "--device", "cpu", "--preset", "paper")
    assert result.output.startswith("preset paper, 700 px, 1000 + 1000 iterations")


def test_default_presets_by_device() -> None:
    assert default_preset("cpu") == "standard" and default_preset("cuda") == "paper"


def test_more_threads_and_smaller_sizes_estimate_less() -> None:
    options = preset_options("fast", size=700)
    assert estimated_seconds(options, 4) < estimated_seconds(options, 2)
    # not a quarter: the windows keep their margins in pixels (example 16: 60 CPU s at 350 px, 160 at 700)
    assert estimated_seconds(preset_options("fast", size=350), 2) < estimated_seconds(options, 2) / 2
