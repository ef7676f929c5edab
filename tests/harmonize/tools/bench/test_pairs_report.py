"""The pairs bench's report and command line, without running the engine."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from harmonize.cli.main import app
from harmonize.imageio import load_rgb, save_png
from harmonize.tools.bench.pairs import PairCase
from harmonize.tools.bench.pairs_report import pair_panel, write_pairs_report
from harmonize.tools.bench.runner import RunRecord, load_records, run_case
from harmonize.types import Placement

STAGES = ("painting", "naive", "pass1", "pass2", "final")


def record(tmp_path, name: str) -> RunRecord:
    """A record whose five images are 16x20 greys of different levels, so the panel's order shows."""
    paths = {}
    for level, stage in enumerate(STAGES):
        paths[stage] = str(tmp_path / f"{stage}.png")
        save_png(paths[stage], np.full((16, 20, 3), level / 4, np.float32))
    quality = {
        "gram_naive": 1.2,
        "gram_result": 0.6,
        "ssim_naive": 0.7,
        "pass2_shape": 0.81,
        "pass2_contrast": 0.42,
        "pass2_show_through": 0.05,
        "pass2_survives": 1.0,
        "pass2_typical": 0.0,
        "final_shape": 0.31,
        "final_contrast": 0.12,
        "final_show_through": 0.33,
        "final_survives": 0.0,
        "final_typical": 0.0,
    }
    images = {k: paths[k] for k in ("pass1", "pass2", "final")}
    inputs = {k: paths[k] for k in ("painting", "naive")}
    return RunRecord(name, "fast", {"total": 61.0}, 900.0, quality, images, 2, 400, "", inputs, "an eagle")


def test_panel_shows_painting_naive_and_the_three_stages_in_order(tmp_path):
    panel = pair_panel(record(tmp_path, "3 in 16"))
    assert panel.shape[1] == 5 * 20 + 4 * 6  # five images and four gaps
    middle = panel[-8]  # a row through the images, below the labels
    levels = [middle[x * 26 + 10, 0] for x in range(5)]
    assert np.allclose(levels, [0, 0.25, 0.5, 0.75, 1.0], atol=0.01)


def test_report_writes_rows_panels_and_reasons_for_skipped_cases(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write_pairs_report([record(tmp_path, "3 in 16")], ["9 in 2: DIR has no 9_naive.jpg"], out)
    table = (out / "bench.md").read_text()
    assert (
        "| 3 in 16 | an eagle | fast | 400 | 61 | 900 | 1.200 | 0.600 | 0.700 | 0.81 / 0.42 / +0.05 | "
        "0.31 / 0.12 / +0.33 | yes, no | no, no |" in table
    )
    assert "Skipped 9 in 2: DIR has no 9_naive.jpg." in table
    assert (out / "panel_3_in_16_fast.png").is_file()
    assert load_records(out / "bench.json", "fast", 400)["3 in 16"].inputs["naive"].endswith("naive.png")
    assert json.loads((out / "bench.json").read_text())[0]["quality"]["final_survives"] == 0.0


def test_pairs_command_refuses_unknown_cases_and_skips_absent_data(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("object\tpainting\tx\ty\theight\tnote\n3\t16\t0.5\t0.3\t0.35\teagle\n")
    runner = CliRunner()
    args = ["bench", "--pairs", str(pairs), "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]
    unknown = runner.invoke(app, [*args, "--only", "3 in 99"])
    assert unknown.exit_code == 2 and "No such case(s): 3 in 99" in unknown.output
    skipped = runner.invoke(app, [*args, "--no-photos"])
    assert skipped.exit_code == 0, skipped.output
    assert "skipped 3 in 16" in skipped.output and "has no 16_target.jpg, 3_naive.jpg, 3_c_mask.jpg" in skipped.output
    assert "Skipped 3 in 16" in (tmp_path / "out" / "bench.md").read_text()


def test_bench_needs_data_and_out_unless_calibrating(tmp_path):
    result = CliRunner().invoke(app, ["bench", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Give --data" in result.output


def test_a_bad_likeness_stops_the_examples_bench_before_any_run(tmp_path):
    args = ["bench", "--data", str(tmp_path), "--out", str(tmp_path / "out"), "--examples", "7", "--likeness", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "likeness" in result.output.lower(), result.output
    assert not (tmp_path / "out").exists()


def test_a_case_runs_end_to_end_in_its_child_process(tmp_path, pair_data):
    """One tiny case through the real engine (few iterations): the measure, the saved images, the panel."""
    case = PairCase(str(pair_data), "1", "2", Placement(0.5, 0.5, 0.5), "a red block")
    few = {"iters1": 2, "iters2": 2, "coarse_scale": 1.0, "coarse_iters2": 0, "likeness": 0.0}
    measured = run_case(case, "fast", 48, tmp_path, few)
    assert measured.example == "1 in 2" and measured.note == "a red block" and measured.overrides == few
    assert {"pass2_shape", "final_contrast", "final_show_through", "final_survives", "gram_pass2"} <= set(
        measured.quality
    )
    assert {"final_thin", "final_cells", "final_local_survives", "final_marks", "final_painted_in"} <= set(
        measured.quality
    )  # the local survives and painted-in measures (docs/design/painted-in.md)
    assert load_rgb(measured.images["final"]).shape == load_rgb(measured.inputs["naive"]).shape == (36, 48, 3)
    write_pairs_report([measured], [], tmp_path)
    assert (
        "| 1 in 2 | a red block | fast iters1 2 iters2 2 coarse_scale 1 coarse_iters2 0 likeness 0 | 48 |"
        in (tmp_path / "bench.md").read_text()
    )
    assert (tmp_path / "panel_1_in_2_fast.png").is_file()
