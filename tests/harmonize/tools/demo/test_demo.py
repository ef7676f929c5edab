"""The offline demo: the generated painting, the demo inputs, and one tiny end-to-end run."""

import json

import cv2
import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from harmonize.cli.main import app
from harmonize.placement import compose, object_rectangle
from harmonize.tools.demo.example import demo_inputs
from harmonize.tools.demo.painting_generator import generate_painting, painting_shape
from harmonize.tools.demo.scene_layout import TABLE_TOP, landscape_layout

SIZE = 160  # big enough for brush strokes several pixels wide


@pytest.fixture(scope="module")
def painting_and_layout():
    height, width = painting_shape(SIZE)
    painting = generate_painting(SIZE, seed=5).astype(np.float32) / 255.0
    return painting, landscape_layout(height, width, seed=5)


def high_frequency(image: np.ndarray) -> float:
    """Mean absolute difference between an image and its 1-px Gaussian blur."""
    return float(np.abs(image - cv2.GaussianBlur(image, (0, 0), 1.0)).mean())


def stroke_agreement(painting: np.ndarray, angles: np.ndarray) -> float:
    """Coherence-weighted mean of cos(2 * (local stroke direction - angle)); 1 = all parallel."""
    grey = cv2.cvtColor(painting, cv2.COLOR_RGB2GRAY)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = (cv2.GaussianBlur(v, (0, 0), 2.5) for v in (gx * gx, gy * gy, gx * gy))
    along = 0.5 * np.arctan2(2 * jxy, jxx - jyy) + np.pi / 2  # strokes run across the dominant gradient
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2)
    return float((np.cos(2 * (along - angles)) * coherence).sum() / coherence.sum())


def test_the_painting_is_the_same_for_a_seed_and_differs_between_seeds():
    first, again, other = generate_painting(64, seed=1), generate_painting(64, seed=1), generate_painting(64, seed=2)
    assert first.shape == (48, 64, 3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, again)
    assert np.abs(first.astype(int) - other).mean() > 5


def test_strokes_add_texture_but_keep_the_layouts_colours(painting_and_layout):
    painting, layout = painting_and_layout
    assert high_frequency(painting) > 1.3 * high_frequency(layout.colours)
    blur = (0, 0), SIZE / 40
    assert np.abs(cv2.GaussianBlur(painting, *blur) - cv2.GaussianBlur(layout.colours, *blur)).mean() < 0.05


def test_strokes_follow_the_flow_field(painting_and_layout):
    painting, layout = painting_and_layout
    shuffled = np.random.default_rng(0).permutation(layout.angles.ravel()).reshape(layout.angles.shape)
    assert stroke_agreement(painting, layout.angles) > 0.75
    assert stroke_agreement(painting, shuffled) < 0.6


def test_the_demo_cup_is_cut_out_and_stands_on_the_table():
    inputs = demo_inputs(96)
    assert inputs.painting.shape == (72, 96, 3) and inputs.painting.dtype == np.uint8
    alpha = inputs.object_rgba[..., 3]
    assert 0.4 < (alpha > 127).mean() < 0.95  # a cup and saucer, not a sliver and not the whole photo
    naive, mask = compose(inputs.painting.astype(np.float32) / 255.0, inputs.object_rgba, inputs.placement)
    top, left, height, width = object_rectangle((72, 96), alpha.shape, inputs.placement)
    assert mask.sum() > 0.3 * height * width
    assert top > 0 and left > 0 and left + width < 96 and top + height <= 72  # inside, not clamped
    assert (top + height) / 72 > TABLE_TOP + 0.1  # the saucer's bottom is on the table
    assert not np.array_equal(naive, inputs.painting.astype(np.float32) / 255.0)


def test_demo_command_writes_every_stage(tmp_path):
    torch.set_num_threads(1)
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app,
        ["demo", "--out", str(out), "--size", "64", "--iters1", "3", "--iters2", "3", "--no-post", "--device", "cpu"],
    )
    assert result.exit_code == 0, result.output
    for name in ("painting", "object", "naive", "mask", "pass1", "pass2", "compare"):
        assert (out / f"{name}.png").is_file(), name
    assert not (out / "final.png").exists()
    assert Image.open(out / "object.png").mode == "RGBA"
    assert Image.open(out / "pass2.png").size == (64, 48)
    run = json.loads((out / "run.json").read_text())
    assert run["options"]["size"] == 64 and run["options"]["iters1"] == run["options"]["iters2"] == 3
    assert "skimage.data.coffee()" in run["inputs"]["object"]
    assert "pass 1" in result.output and "pass 2" in result.output  # the progress bars


def test_demo_command_rejects_a_tiny_size(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "--size", "8"])
    assert result.exit_code == 2 and "--size must be at least 32" in result.output
