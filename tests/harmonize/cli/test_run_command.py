"""The `harmonize run` command: its outputs, and one clear line for every kind of bad input."""

import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from harmonize.cli.main import app

runner = CliRunner()
# 2 iterations a pass at 64 px: the CPU preset's 100 coarse pass-2 evaluations would take most of the time
QUICK = ("--size", 64, "--iters1", 2, "--iters2", 2, "--coarse-iters2", 2)


@pytest.fixture()
def paper_format(tmp_path):
    """A tiny synthetic painting, composite and mask in the paper's file format."""
    rng = np.random.default_rng(0)
    painting = (rng.random((48, 64, 3)) * 255).astype(np.uint8)
    composite = painting.copy()
    composite[16:32, 24:40] = (200, 40, 40)
    mask = np.zeros((48, 64), np.uint8)
    mask[16:32, 24:40] = 255
    paths = {}
    for name, array in {"painting": painting, "composite": composite, "mask": mask}.items():
        paths[name] = tmp_path / f"{name}.png"
        Image.fromarray(array).save(paths[name])
    return paths


def run(*args):
    return runner.invoke(app, ["run", *map(str, args)])


def run_paper(paths, out, *args):
    """`harmonize run` on the paper-format files of `paper_format`, into `out`."""
    return run(
        "--painting", paths["painting"], "--composite", paths["composite"], "--mask", paths["mask"], "--out", out, *args
    )


def test_run_writes_every_output(paper_format, tmp_path):
    out = tmp_path / "out"
    result = run_paper(
        paper_format,
        out,
        *QUICK,
    )
    assert result.exit_code == 0, result.output
    for name in ("naive", "mask", "pass1", "pass2", "final", "compare"):
        assert (out / f"{name}.png").is_file(), name
    meta = json.loads((out / "run.json").read_text())
    assert meta["options"]["iters1"] == 2 and set(meta["seconds"]) >= {"pass1", "pass2", "post", "total"}
    assert Image.open(out / "compare.png").width > 4 * 64  # five labelled columns


def test_no_post_skips_the_final_image(paper_format, tmp_path):
    out = tmp_path / "out"
    result = run_paper(
        paper_format,
        out,
        *QUICK,
        "--no-post",
    )
    assert result.exit_code == 0, result.output
    assert not (out / "final.png").exists() and "post" not in json.loads((out / "run.json").read_text())["seconds"]


def test_fast_preset_with_overrides(paper_format, tmp_path):
    out = tmp_path / "out"
    result = run_paper(
        paper_format,
        out,
        "--size",
        64,
        "--preset",
        "fast",
        "--iters2",
        2,
        "--iters1",
        2,
        "--coarse-iters2",
        3,
        "--no-post",
    )
    assert result.exit_code == 0, result.output
    options = json.loads((out / "run.json").read_text())["options"]
    assert options["coarse_scale"] == 0.5 and options["iters2"] == 2 and options["coarse_iters2"] == 3


def test_unknown_preset_is_one_clear_line(paper_format, tmp_path):
    result = run_paper(
        paper_format,
        tmp_path / "o",
        "--preset",
        "turbo",
    )
    assert result.exit_code == 2 and "Unknown preset 'turbo'" in result.output


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing", "file not found"),
        ("not_image", "not an image"),
        ("empty_mask", "mask is empty"),
        ("full_mask", "covers the whole image"),
        ("sizes", "Sizes disagree"),
        ("no_mask", "--composite together with --mask"),
    ],
)
def test_bad_input_is_one_clear_line(paper_format, tmp_path, case, message):
    p = dict(paper_format)
    if case == "missing":
        p["painting"] = tmp_path / "nope.png"
    elif case == "not_image":
        p["composite"] = tmp_path / "notes.png"
        p["composite"].write_text("hello")
    elif case in ("empty_mask", "full_mask"):
        p["mask"] = tmp_path / "m.png"
        Image.fromarray(np.full((48, 64), 0 if case == "empty_mask" else 255, np.uint8)).save(p["mask"])
    elif case == "sizes":
        p["mask"] = tmp_path / "m.png"
        Image.fromarray(np.full((40, 64), 255, np.uint8)).save(p["mask"])
    args = ["--painting", p["painting"], "--composite", p["composite"], "--out", tmp_path / "o", "--size", 64]
    if case != "no_mask":
        args += ["--mask", p["mask"]]
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and result.output.strip().splitlines()[-1] == errors[0]


def test_run_applies_the_less_common_options_and_records_them(paper_format, tmp_path):
    loose = np.zeros((48, 64), np.uint8)
    loose[12:36, 20:44] = 255  # the tight mask (16:32, 24:40) and 4 px around it
    Image.fromarray(loose).save(tmp_path / "loose.png")
    out = tmp_path / "out"
    result = run_paper(
        paper_format,
        out,
        "--dilated-mask",
        tmp_path / "loose.png",
        "--tau",
        3,
        "--seed",
        7,
        "--likeness",
        0.25,
        "--hold-structure",
        0.5,
        "--colour-match",
        0.25,
        "--vote-sigma",
        1.5,
        "--thin-colour",
        0.75,
        "--painted-detail",
        0.5,
        "--palette-contrast",
        0.25,
        "--narrow-likeness",
        0.75,
        "--device",
        "cpu",
        "--coarse-scale",
        0.5,
        *QUICK,
        "--no-post",
    )
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "run.json").read_text())
    assert meta["inputs"]["dilated_mask"] == str(tmp_path / "loose.png")
    keys = (
        "size",
        "tau",
        "seed",
        "likeness",
        "hold_structure",
        "colour_match",
        "vote_sigma",
        "thin_colour",
        "painted_detail",
        "palette_contrast",
        "narrow_likeness",
        "coarse_scale",
        "post",
    )
    chosen = {key: meta["options"][key] for key in keys}
    assert chosen == {
        "size": 64,
        "tau": 3.0,
        "seed": 7,
        "likeness": 0.25,
        "hold_structure": 0.5,
        "colour_match": 0.25,
        "vote_sigma": 1.5,
        "thin_colour": 0.75,
        "painted_detail": 0.5,
        "palette_contrast": 0.25,
        "narrow_likeness": 0.75,
        "coarse_scale": 0.5,
        "post": False,
    }
    assert meta["tau"] == 3.0 and meta["size"] == [48, 64]
    naive = np.asarray(Image.open(out / "naive.png"), np.int16)
    pass2 = np.asarray(Image.open(out / "pass2.png"), np.int16)
    outside = loose == 0  # only the loose mask is optimised (docs/algorithm.md §3.3)
    assert np.abs(pass2 - naive)[outside].max() <= 1
    assert np.abs(pass2 - naive)[loose > 0].max() > 1


def test_run_object_into_a_painting_larger_than_the_working_size_writes_every_stage(tmp_path):
    from skimage import data

    Image.fromarray(data.astronaut()).save(tmp_path / "painting.png")  # 512 px, worked at 96
    Image.fromarray(data.coffee()).save(tmp_path / "cup.jpg")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            "--painting",
            str(tmp_path / "painting.png"),
            "--object",
            str(tmp_path / "cup.jpg"),
            "--out",
            str(out),
            "--size",
            "96",
            "--preset",
            "fast",
            "--iters1",
            "2",
            "--iters2",
            "2",
            "--coarse-iters2",
            "2",
            "--likeness",
            "0.7",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in ("naive", "mask", "pass1", "pass2", "final", "compare"):
        assert (out / f"{name}.png").is_file(), name
    assert Image.open(out / "final.png").size == (96, 96)
    assert json.loads((out / "run.json").read_text())["options"]["likeness"] == 0.7
