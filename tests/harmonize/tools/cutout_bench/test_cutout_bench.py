"""The cut-out benchmark: its scores against brute force, its ground truth, and its command."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from harmonize.cli.main import app
from harmonize.tools.cutout_bench.cases import Case, Sample, example_numbers, load_sample, make_cases, paste
from harmonize.tools.cutout_bench.metrics import boundary, boundary_f, edge_colour_error, iou, see_through
from tests.support.paths import DPH

SHARED = DPH


def random_mask(seed: int, shape: tuple[int, int] = (24, 30)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = np.zeros(shape, np.uint8)
    for _ in range(3):
        cv2.circle(mask, (int(rng.integers(5, 25)), int(rng.integers(5, 19))), int(rng.integers(2, 7)), 1, -1)
    return mask.astype(bool)


@pytest.mark.parametrize("seed", range(4))
def test_iou_and_boundary_f_match_brute_force(seed: int) -> None:
    a, b = random_mask(seed), random_mask(seed + 10)
    assert iou(a, b) == pytest.approx(
        sum(x and y for x, y in zip(a.flat, b.flat, strict=True))
        / sum(x or y for x, y in zip(a.flat, b.flat, strict=True))
    )
    radius = max(1.0, 0.008 * np.hypot(*a.shape))
    pa, pb = np.argwhere(boundary(a)), np.argwhere(boundary(b))

    def near(points: np.ndarray, others: np.ndarray) -> float:
        return float(np.mean([min(np.hypot(*(p - q)) for q in others) <= radius for p in points]))

    precision, recall = near(pa, pb), near(pb, pa)
    expected = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    assert boundary_f(a, b) == pytest.approx(expected)


def test_boundary_is_the_inner_edge_and_ignores_the_frame() -> None:
    mask = np.zeros((10, 10), bool)
    mask[2:8, 0:5] = True
    edge = boundary(mask)
    assert edge[2, 0] and edge[7, 3] and edge[4, 4] and not edge[4, 0] and not edge[4, 2]
    assert boundary_f(mask, mask) == 1.0 and iou(mask, ~mask) == 0.0


def test_see_through_counts_the_inside_found_but_not_opaque() -> None:
    truth = np.zeros((40, 40), bool)
    truth[5:35, 5:35] = True  # inside: 24 x 24 px once 3 px of edge are left out
    alpha = np.where(truth, 1.0, 0.0).astype(np.float32)
    alpha[5:8, 5:35] = 0.6  # a soft edge: not counted
    assert see_through(alpha, truth) == 0.0
    alpha[8:20, 8:32] = 0.7  # half the inside found, but see-through
    alpha[20:32, 8:20] = 0.2  # a quarter missed: IoU's business, not this score's
    assert see_through(alpha, truth) == pytest.approx(288 / (576 - 144))
    assert see_through(np.zeros_like(alpha), truth) == 0.0


def test_paste_gives_the_truth_of_what_it_pasted() -> None:
    rgb = np.zeros((40, 20, 3), np.uint8)
    rgb[..., 0] = 255
    sample = Sample("bar", rgb, np.ones((40, 20), np.float32))
    photo, truth, alpha, colours = paste(sample, np.full((100, 120, 3), 90, np.uint8), 0.5, (0.5, 0.5))
    rows, cols = np.flatnonzero(truth.any(axis=1)), np.flatnonzero(truth.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 50 and cols[-1] - cols[0] + 1 == 25  # height 0.5, aspect kept
    assert np.all(photo[truth][:, 0] > 170) and np.all(photo[~truth][:, 0] < 175)
    edge = photo[rows[0] - 1, 60, 0]
    assert 90 < edge < 255  # a soft edge, not a hard one
    assert 0.0 < alpha[rows[0] - 1, 60] < 0.5 and np.array_equal(alpha > 0.5, truth)
    assert colours[rows[0] - 1, 60].tolist() == [1.0, 0.0, 0.0]  # the object's own red under its soft edge


def test_edge_colour_error_sees_a_fringe_of_the_photos_background() -> None:
    true_alpha = np.zeros((60, 60), np.float32)
    true_alpha[20:40, 20:40] = 1.0
    true_alpha = cv2.GaussianBlur(true_alpha, (0, 0), 1.5)
    red = np.zeros((60, 60, 3), np.float32)
    red[..., 0] = 1.0
    green = np.zeros_like(red)
    green[..., 1] = 1.0
    photo = true_alpha[..., None] * red + (1.0 - true_alpha[..., None]) * green  # the object on green
    assert edge_colour_error(red, true_alpha, red, true_alpha) == pytest.approx(0.0, abs=1e-4)
    assert edge_colour_error(photo, true_alpha, red, true_alpha) > 20  # the green fringe
    assert edge_colour_error(red, (true_alpha > 0.5).astype(np.float32), red, true_alpha) is None  # no soft edge


def write_example(folder: Path, number: int) -> None:
    naive = np.full((80, 100, 3), 60, np.uint8)
    cv2.ellipse(naive, (50, 40), (20, 30), 0, 0, 360, (230, 200, 30), -1)
    mask = np.zeros((80, 100), np.uint8)
    cv2.ellipse(mask, (50, 40), (20, 30), 0, 0, 360, 255, -1)
    cv2.imwrite(str(folder / f"{number}_naive.jpg"), naive[..., ::-1])
    cv2.imwrite(str(folder / f"{number}_c_mask.jpg"), mask)


def test_cases_are_seeded_and_some_run_off_the_bottom(tmp_path: Path) -> None:
    write_example(tmp_path, 7)
    (tmp_path / "8_naive.jpg").write_bytes(b"")  # no mask: not an example
    assert example_numbers(tmp_path) == [7]
    sample = load_sample(tmp_path, 7)
    first, again = make_cases([sample], per_object=3, seed=1), make_cases([sample], per_object=3, seed=1)
    assert [c.name for c in first] == [c.name for c in again] and np.array_equal(first[0].photo, again[0].photo)
    assert "bottom edge" in first[2].name and first[2].truth[-1].any() and not first[0].truth[-1].any()


def write_pasted_background(folder: Path, number: int) -> None:
    """An example like the paper's 15: the mask is the painting around a figure, not an object."""
    write_example(folder, number)
    mask = cv2.imread(str(folder / f"{number}_c_mask.jpg"), cv2.IMREAD_GRAYSCALE)
    cv2.imwrite(str(folder / f"{number}_c_mask.jpg"), 255 - mask)


def test_a_mask_around_the_painting_is_a_pasted_background_not_an_object(tmp_path: Path) -> None:
    write_example(tmp_path, 1)
    write_pasted_background(tmp_path, 2)
    assert load_sample(tmp_path, 1).is_object and load_sample(tmp_path, 1).border_cover == 0.0
    assert not load_sample(tmp_path, 2).is_object and load_sample(tmp_path, 2).border_cover == 1.0


def test_a_cases_box_is_its_true_box_plus_the_margin() -> None:
    truth = np.zeros((100, 200), bool)
    truth[30:61, 50:81] = True
    case = Case("square", np.zeros((100, 200, 3), np.uint8), truth)
    assert case.box(0.03) == (44, 24, 87, 67)  # 3 % of 200 px = 6 px each way
    truth[:, 195:] = True
    assert case.box(0.03)[2] == 200  # clamped to the frame


def test_bench_cutout_leaves_out_pasted_backgrounds_and_can_give_the_box(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)  # a developer's cached model
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    write_example(data, 1)
    write_pasted_background(data, 2)
    arguments = ["bench-cutout", "--data", str(data), "--out", str(out), "--per-object", "2", "--methods", "grabcut"]
    result = CliRunner().invoke(app, [*arguments, "--box"])
    assert result.exit_code == 0, result.output
    assert "left out: example 2: its mask is a pasted background" in result.output
    results = json.loads((out / "cutout-bench.json").read_text())
    assert results["settings"]["examples"] == ["example 1"] and results["settings"]["box"] is True
    boxed = results["methods"]["grabcut"]["summary"]["mean_iou"]
    assert len(results["methods"]["grabcut"]["cases"]) == 2 and boxed > 0.9  # the box makes a flat ellipse easy


def test_bench_cutout_scores_every_method_and_lists_those_it_cannot_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("REMOVE_BG_API_KEY", raising=False)
    monkeypatch.setattr("harmonize.cutout.factory.rembg_ready", lambda settings: False)  # a developer's cached model
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    write_example(data, 1)
    result = CliRunner().invoke(
        app,
        [
            "bench-cutout",
            "--data",
            str(data),
            "--out",
            str(out),
            "--per-object",
            "2",
            "--methods",
            "grabcut,saliency,removebg",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "not run: removebg" in result.output and "saliency   mean IoU" in result.output
    results = json.loads((out / "cutout-bench.json").read_text())
    assert set(results["methods"]) == {"grabcut", "saliency"} and "removebg" in results["skipped"]
    for method in results["methods"].values():
        assert len(method["cases"]) == 2 and 0.0 <= method["summary"]["mean_iou"] <= 1.0
        assert 0.0 <= method["summary"]["mean_see_through"] <= 1.0 and method["summary"]["mean_edge_de"] >= 0.0
    assert "| saliency |" in (out / "cutout-bench.md").read_text() and (out / "cutout-cases.png").is_file()


def test_bench_cutout_without_the_data_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench-cutout", "--data", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no N_naive.jpg with N_c_mask.jpg here" in result.output


def test_the_shared_examples_give_cases_with_a_true_mask() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"the paper's data folder is not here ({SHARED})")
    numbers = example_numbers(SHARED)
    cases = make_cases([load_sample(SHARED, numbers[0])], per_object=2)
    assert len(cases) == 2 and all(0.01 < c.truth.mean() < 0.9 for c in cases)
