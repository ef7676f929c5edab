"""`harmonize cutout` through typer's CliRunner on small generated images."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from harmonize.cli.cutout_command import cutout
from harmonize.cli.errors import EXIT_BAD_INPUT

app = typer.Typer()
app.command("cutout")(cutout)
app.command("other")(lambda: None)  # two commands, so `cutout` is a sub-command as in the real CLI
runner = CliRunner()


@pytest.fixture(autouse=True)
def no_remove_bg_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """No service and no model: `auto` is the saliency back end, whose cut-out the sizes below expect."""
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)


def write_photo(path: Path, fmt: str, alpha: bool = False) -> Path:
    image = np.full((120, 160, 3), (200, 220, 235), np.uint8)
    cv2.circle(image, (80, 60), 30, (200, 40, 30), -1)
    if alpha:
        mask = np.zeros((120, 160), np.uint8)
        cv2.circle(mask, (80, 60), 30, 255, -1)
        Image.fromarray(np.dstack([image, mask]), "RGBA").save(path, format=fmt)
    else:
        Image.fromarray(image).save(path, format=fmt)
    return path


@pytest.mark.parametrize(
    ("name", "fmt", "alpha"), [("o.jpg", "JPEG", False), ("o.png", "PNG", True), ("o.webp", "WEBP", True)]
)
def test_cutout_writes_a_cropped_rgba_png(tmp_path: Path, name: str, fmt: str, alpha: bool) -> None:
    source = write_photo(tmp_path / name, fmt, alpha)
    out = tmp_path / "cut.png"
    result = runner.invoke(app, ["cutout", "--object", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as written:
        assert written.mode == "RGBA" and written.format == "PNG"
        assert 61 <= written.height <= 75 and 61 <= written.width <= 75


def test_cutout_box_and_method_options(tmp_path: Path) -> None:
    source = write_photo(tmp_path / "o.png", "PNG")
    out = tmp_path / "cut.png"
    args = ["--object", str(source), "--method", "grabcut", "--box", "40, 20, 120, 100", "--out", str(out)]
    result = runner.invoke(app, ["cutout", *args])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "magic"], "Unknown --method 'magic'"),
        (["--box", "1,2,3"], "must be four whole numbers"),
        (["--box", "100,10,50,90", "--method", "grabcut"], "x0 < x1"),
        (["--method", "removebg"], "set REMOVE_BG_API_KEY"),
        (["--method", "alpha"], "no transparent background"),
    ],
)
def test_bad_options_exit_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    source = write_photo(tmp_path / "o.jpg", "JPEG")
    result = runner.invoke(app, ["cutout", "--object", str(source), "--out", str(tmp_path / "c.png"), *args])
    assert result.exit_code == EXIT_BAD_INPUT
    assert message in result.output and result.output.count("\n") == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("text", "is not an image"),
        ("missing", "file not found"),
        ("truncated", "damaged or incomplete"),
    ],
)
def test_bad_files_exit_with_one_line(tmp_path: Path, setup: str, message: str) -> None:
    source = tmp_path / "object.png"
    if setup == "text":
        source.write_bytes(b"this is not an image at all")
    elif setup == "truncated":
        write_photo(source, "PNG")
        source.write_bytes(source.read_bytes()[:200])
    result = runner.invoke(app, ["cutout", "--object", str(source), "--out", str(tmp_path / "c.png")])
    assert result.exit_code == EXIT_BAD_INPUT and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("out", "message"), [("c.jpg", "must end in .png"), ("nowhere/c.png", "does not exist")])
def test_bad_out_paths(tmp_path: Path, out: str, message: str) -> None:
    source = write_photo(tmp_path / "o.jpg", "JPEG")
    result = runner.invoke(app, ["cutout", "--object", str(source), "--out", str(tmp_path / out)])
    assert result.exit_code == EXIT_BAD_INPUT and message in result.output
