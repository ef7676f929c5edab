"""The bad-input corpus through the command line: exit status 2 and one `error:` line each."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from harmonize.cli.main import app
from tests.support.bad_inputs import CASES, REFUSED, gradient
from tests.support.wording import INTERNAL_TERMS

runner = CliRunner()


def good_picture(tmp_path: Path) -> Path:
    """A plain 64x48 PNG that every role accepts."""
    path = tmp_path / "good.png"
    Image.fromarray(gradient()).save(path)
    return path


def bad_picture(tmp_path: Path, name: str) -> Path:
    """The corpus case `name` in a file of its own name."""
    path = tmp_path / CASES[name].filename
    path.write_bytes(CASES[name].make())
    return path


def assert_refused_in_one_line(result, path: Path) -> None:
    """Exit 2, nothing computed, one `error:` line naming the file, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.output
    assert not INTERNAL_TERMS.search(lines[0]), lines[0]


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("role", ["--painting", "--object"])
def test_run_refuses_each_bad_picture_before_computing(tmp_path, name, role) -> None:
    bad, good = bad_picture(tmp_path, name), good_picture(tmp_path)
    pictures = {"--painting": good, "--object": good, role: bad}
    result = runner.invoke(
        app,
        [
            "run",
            *(str(v) for pair in pictures.items() for v in pair),
            "--out",
            str(tmp_path / "out"),
            "--iters1",
            "1",
            "--iters2",
            "1",
        ],
    )
    assert_refused_in_one_line(result, bad)
    assert not (tmp_path / "out" / "pass1.png").exists()


@pytest.mark.parametrize("name", REFUSED)
def test_run_refuses_a_bad_composite_in_the_paper_format(tmp_path, name) -> None:
    bad, good = bad_picture(tmp_path, name), good_picture(tmp_path)
    result = runner.invoke(
        app,
        [
            "run",
            "--painting",
            str(good),
            "--composite",
            str(bad),
            "--mask",
            str(good),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert_refused_in_one_line(result, bad)


@pytest.mark.parametrize("name", REFUSED)
def test_cutout_refuses_each_bad_picture(tmp_path, name) -> None:
    bad = bad_picture(tmp_path, name)
    result = runner.invoke(app, ["cutout", "--object", str(bad), "--out", str(tmp_path / "cut.png")])
    assert_refused_in_one_line(result, bad)
    assert not (tmp_path / "cut.png").exists()


def test_cutout_reads_a_16_bit_photo_with_its_alpha(tmp_path) -> None:
    grey = (np.linspace(0, 50_000, 64 * 48).reshape(48, 64)).astype(np.uint16)
    photo = tmp_path / "grey16.png"
    Image.fromarray(grey).save(photo)
    rgba = np.zeros((48, 64, 4), np.uint8)
    rgba[8:40, 16:48] = (200, 60, 30, 255)
    cut = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(cut)
    result = runner.invoke(
        app,
        [
            "cutout",
            "--object",
            str(cut),
            "--method",
            "alpha",
            "--out",
            str(tmp_path / "cut.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert Image.open(tmp_path / "cut.png").getextrema()[3] == (0, 255)
