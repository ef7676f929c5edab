"""Cut-out and placement without harmonizing: place_object, `harmonize preview`, `run --box/--method`."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from harmonize.cli.main import app
from harmonize.cutout import Cutter
from harmonize.cutout.core import CUTOUT_SIDE
from harmonize.placement import place_object
from harmonize.resize import resize_bilinear
from harmonize.types import Placement

runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No service and no model: `auto` is the saliency back end, whose cut-out the sizes below expect."""
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)
    monkeypatch.setattr("harmonize.cutout.factory.u2netp_installed", lambda: False)
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)


def disc_photo(height: int = 120, width: int = 160, radius: int = 30) -> np.ndarray:
    rng = np.random.default_rng(0)
    photo = np.clip(
        np.full((height, width, 3), (200, 220, 235), np.float32) + rng.normal(0, 6, (height, width, 3)), 0, 255
    )
    photo = photo.astype(np.uint8)
    cv2.circle(photo, (width // 2, height // 2), radius, (200, 40, 30), -1)
    return photo


def painting(height: int = 90, width: int = 120) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.dstack([x / width, y / height, np.full((height, width), 0.5)]).astype(np.float32)


def test_place_object_pastes_the_cut_out_at_the_working_size() -> None:
    naive, tight, used = place_object(painting(), disc_photo(), Placement(0.5, 0.5, 0.5), size=60)
    assert used == "saliency" and naive.shape == (45, 60, 3) and tight.shape == (45, 60)
    solid = tight > 0.5
    rows, cols = np.flatnonzero(solid.any(axis=1)), np.flatnonzero(solid.any(axis=0))
    assert 19 <= rows[-1] - rows[0] + 1 <= 23  # half the painting's 45 px, less the cut-out's soft rim
    assert abs((rows[0] + rows[-1]) / 2 - 22) <= 1.5 and abs((cols[0] + cols[-1]) / 2 - 29.5) <= 1.5
    centre = naive[22, 30]
    assert centre[0] > 0.7 and centre[1] < 0.25  # the disc's red
    assert np.array_equal(naive[tight == 0], resize_bilinear(painting(), 45, 60)[tight == 0])  # the engine's resize


def test_place_object_cuts_a_big_photo_out_downscaled(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    class Spy(Cutter):
        def cut_out(self, image, method="auto", box=None):
            seen.update(shape=image.shape, method=method, box=box)
            return super().cut_out(image, method, box)

    big = disc_photo(3000, 4000, 700)  # 12 megapixels
    _, _, used = place_object(painting(), big, size=700, method="grabcut", box=(1000, 500, 3000, 2500), cutter=Spy())
    assert used == "grabcut" and max(seen["shape"][:2]) == CUTOUT_SIDE
    assert seen["box"] == (256, 128, 768, 640)  # the box follows the photo's scale (0.256)


def run_preview(tmp_path: Path, photo: np.ndarray, *args: str) -> Result:
    """`harmonize preview` of `photo` into the test painting, written to tmp_path/out."""
    Image.fromarray((painting() * 255).astype(np.uint8)).save(tmp_path / "p.png")
    Image.fromarray(photo).save(tmp_path / "o.png")
    paths = ["--painting", str(tmp_path / "p.png"), "--object", str(tmp_path / "o.png"), "--out", str(tmp_path / "out")]
    return runner.invoke(app, ["preview", *paths, *args])


def test_preview_writes_the_placed_cut_out_and_says_which_method(tmp_path: Path) -> None:
    result = run_preview(tmp_path, disc_photo(), "--size", "64", "--method", "grabcut")
    assert result.exit_code == 0, result.output
    assert "cut out by grabcut" in result.output
    mask = np.asarray(Image.open(tmp_path / "out" / "mask.png"))
    assert Image.open(tmp_path / "out" / "naive.png").size == (64, 48) and mask.shape[:2] == (48, 64)
    assert 0 < (mask > 127).mean() < 0.3
    assert not (tmp_path / "out" / "pass1.png").exists()


@pytest.mark.parametrize(
    ("photo", "args", "message"),
    [
        (
            np.full((120, 160, 3), 128, np.uint8),
            [],
            (
                "No object was found in the photo: draw a box around the object, "
                "or try another cut-out method. "
                "(--box x0,y0,x1,y1 draws the box, in pixels of the photo; --method picks"
            ),
        ),
        (
            disc_photo(),
            ["--method", "grabcut", "--box", "0,0,160,120"],
            "draw the box tighter around the object. (--box x0,y0,x1,y1",
        ),
        (disc_photo(), ["--method", "magic"], "Unknown --method 'magic'"),
    ],
)
def test_preview_bad_cut_outs_are_one_line_in_the_cli_terms(tmp_path: Path, photo, args, message) -> None:
    result = run_preview(tmp_path, photo, *args)
    assert result.exit_code == 2 and message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_engine_cut_out_errors_name_no_flag() -> None:
    from harmonize.cutout import CutoutError, cut_out

    with pytest.raises(CutoutError) as failed:
        cut_out(np.full((120, 160, 3), 128, np.uint8))
    assert "--" not in str(failed.value) and failed.value.advice == {"box", "method"}


def test_run_with_box_and_method_writes_the_preview_first_and_records_the_method(tmp_path: Path) -> None:
    Image.fromarray((painting(48, 64) * 255).astype(np.uint8)).save(tmp_path / "p.png")
    photo = disc_photo()
    cv2.rectangle(photo, (2, 2), (30, 30), (20, 120, 20), -1)  # a second object, outside the box
    Image.fromarray(photo).save(tmp_path / "o.png")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            "--painting",
            str(tmp_path / "p.png"),
            "--object",
            str(tmp_path / "o.png"),
            "--box",
            "40,20,120,100",
            "--method",
            "grabcut",
            "--out",
            str(out),
            "--size",
            "64",
            "--iters1",
            "2",
            "--iters2",
            "2",
            "--no-post",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "naive.png and mask.png (cut out by grabcut)" in result.output
    inputs = json.loads((out / "run.json").read_text())["inputs"]
    assert inputs["method_used"] == "grabcut" and inputs["box"] == "40,20,120,100"
    naive = np.asarray(Image.open(out / "naive.png")).astype(int)
    pasted = naive[np.asarray(Image.open(out / "mask.png")) > 230]
    assert len(pasted) > 20 and np.all(pasted[:, 0] > pasted[:, 1] + 60)  # the red disc, none of the green square


def test_run_box_without_object_is_one_clear_line(tmp_path: Path) -> None:
    Image.fromarray((painting(48, 64) * 255).astype(np.uint8)).save(tmp_path / "p.png")
    result = runner.invoke(
        app,
        [
            "run",
            "--painting",
            str(tmp_path / "p.png"),
            "--composite",
            str(tmp_path / "p.png"),
            "--mask",
            str(tmp_path / "p.png"),
            "--box",
            "1,2,30,40",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2 and "--box goes with --object" in result.output
