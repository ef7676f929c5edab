"""The measures against the judges: ratings pooled per judged result, the judges' own agreement,
each part's AUC and Spearman, and a real run's measures read from its folder."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from harmonize.cli.main import app
from harmonize.imageio import save_png
from harmonize.tools.bench.ab_sheets import KEY_FILE, RATINGS_FILE
from harmonize.tools.bench.agreement import (
    GHOST_WARD,
    PAINTED_PARTS,
    agreement,
    ghost_auc,
    judged_results,
    result_measures,
    split_half,
)
from harmonize.tools.bench.report import write_records
from harmonize.tools.bench.runner import RunRecord

HEADER = "sheet\tsolid_left\tpainted_in_left\tsolid_right\tpainted_in_right\tghost_seen\tcomment"
CASES = ("boy in 1", "cup in 2", "cat in 3", "ship in 4")


def judge(folder, runs: dict[str, str], sheets: dict[str, tuple], rows: list[str]) -> None:
    """A judge's folder: a key placing `runs` on sheets {name: (case, left, right[, "control"])}, and their rows."""
    folder.mkdir(parents=True)
    placed = {
        name: {"case": case, "left": left, "right": right, **({"control": True} if control else {})}
        for name, (case, left, right, *control) in sheets.items()
    }
    (folder / KEY_FILE).write_text(json.dumps({"runs": runs, "sheets": placed}))
    (folder / RATINGS_FILE).write_text("\n".join([HEADER, *rows]) + "\n")


def test_ratings_are_pooled_per_result_with_controls_and_blanks_left_out(tmp_path):
    runs = {"A": "/runs/a", "B": "/runs/b"}
    sheets = {
        "sheet_01": ("boy in 1", "A", "B"),
        "sheet_02": ("cup in 2", "B", "A"),
        "sheet_03": ("boy in 1", "A", "A", "c"),
    }
    judge(
        tmp_path / "j1",
        runs,
        sheets,
        [
            "sheet_01\t4\t3\t2\t5\tright\tprefer left",
            "sheet_02\t\t\t3\t3\tnone\ttie",
            "sheet_03\t1\t1\t5\t5\tboth\ttie",
        ],
    )
    results = judged_results([tmp_path / "j1"], [tmp_path / "j1" / KEY_FILE])
    assert set(results) == {("/runs/a", "boy in 1"), ("/runs/b", "boy in 1"), ("/runs/a", "cup in 2")}
    (a_boy,) = results[("/runs/a", "boy in 1")]  # the control sheet's two ratings are not in it
    (b_boy,) = results[("/runs/b", "boy in 1")]
    assert (a_boy.solid, a_boy.painted_in, a_boy.ghost) == (4.0, 3.0, False)
    assert (b_boy.solid, b_boy.painted_in, b_boy.ghost) == (2.0, 5.0, True)
    assert ("/runs/b", "cup in 2") not in results  # its left side was left blank


def test_single_sheets_are_pooled_too(tmp_path):
    folder = tmp_path / "j1"
    folder.mkdir()
    (folder / KEY_FILE).write_text(json.dumps({"run": "/runs/a", "sheets": {"single_01": {"case": "boy in 1"}}}))
    header = "sheet\tsolid_result\tpainted_in_result\tghost_seen\tcomment"
    (folder / RATINGS_FILE).write_text(f"{header}\nsingle_01\t2\t4\tyes\tlegs fade\n")
    (rating,) = judged_results([folder], [folder / KEY_FILE])[("/runs/a", "boy in 1")]
    assert (rating.solid, rating.painted_in, rating.ghost) == (2.0, 4.0, True)


def test_the_ghost_auc_counts_how_often_a_ghost_scores_higher():
    assert ghost_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert ghost_auc([0.1, 0.2, 0.9, 0.8], [True, True, False, False]) == 0.0
    assert ghost_auc([0.5, 0.5], [True, False]) == 0.5
    assert ghost_auc([0.9, math.nan, 0.1], [True, True, False]) == 1.0  # an unmeasured result is left out
    assert math.isnan(ghost_auc([0.1, 0.2], [False, False]))


def judged_panel(tmp_path, agree: bool):
    """Four judges on three versions (runs) of each case; with `agree`, all rate by the version, else at random."""
    rng = np.random.default_rng(1)
    runs = {"A": "/runs/a", "B": "/runs/b", "C": "/runs/c"}
    level = {"A": 2, "B": 3, "C": 5}
    folders = []
    for j in range(4):
        sheets, rows = {}, []
        for i, case in enumerate(CASES):
            for k, (left, right) in enumerate((("A", "B"), ("B", "C"), ("C", "A"))):
                name = f"sheet_{i}{k}"
                sheets[name] = (case, left, right)
                sl, sr = (level[left], level[right]) if agree else rng.integers(1, 6, 2)
                ghost = ("left" if left == "A" else "right" if right == "A" else "none") if agree else "none"
                rows.append(f"{name}\t{sl}\t{sl}\t{sr}\t{sr}\t{ghost}\ttie")
        judge(tmp_path / f"j{j}", runs, sheets, rows)
        folders.append(tmp_path / f"j{j}")
    return judged_results(folders, [f / KEY_FILE for f in folders])


def test_judges_who_rate_alike_agree_fully_and_random_ones_barely(tmp_path):
    alike = judged_panel(tmp_path / "alike", agree=True)
    assert split_half(alike, "solid") == pytest.approx(1.0)
    assert split_half(alike, "painted_in", within_case=True) == pytest.approx(1.0)
    assert abs(split_half(judged_panel(tmp_path / "random", agree=False), "solid")) < 0.5


def test_a_measure_that_follows_the_judges_scores_full_agreement_and_its_opposite_none(tmp_path):
    results = judged_panel(tmp_path, agree=True)
    ghost_of = {"/runs/a": 1.0, "/runs/b": 0.0, "/runs/c": 0.0}  # run A is the judges' ghost
    painted_of = {"/runs/a": 2.0, "/runs/b": 3.0, "/runs/c": 5.0}

    def measure(run, case):
        ghostly, painted = ghost_of[str(run)], painted_of[str(run)]
        return {"thin": -ghostly, "near": ghostly, "cells": -ghostly, "merged": ghostly} | dict.fromkeys(
            PAINTED_PARTS, painted
        )

    report = agreement(results, measure)
    assert report["judges"]["results"] == 3 * len(CASES)
    for part in ("thin", "cells", "merged"):  # these point the judges' way
        assert report[part]["ghost_auc"] == 1.0
        assert report[part]["within_case_spearman_with_ghost_share"] == pytest.approx(1.0)
    assert report["near"]["ghost_auc"] == 0.0  # "near" is read the other way round: higher is more solid
    assert all(report[part]["spearman_with_painted_in"] == pytest.approx(1.0) for part in PAINTED_PARTS)


def fake_run(folder, shade: float) -> None:
    """A bench folder of one case: a smooth painting, an orange object pasted on it, `shade` of it in the final."""
    folder.mkdir()
    painting = np.zeros((80, 120, 3), np.float32)
    painting[..., 1] = np.linspace(0.2, 0.6, 120)
    painting[..., 2] = 0.5
    tight = np.zeros((80, 120), np.float32)
    tight[20:60, 30:90] = 1.0
    naive = painting.copy()
    naive[20:60, 30:90] = (0.9, 0.3, 0.1)
    final = painting.copy()
    final[20:60, 30:90] = shade * np.array((0.9, 0.3, 0.1)) + (1 - shade) * painting[20:60, 30:90]
    stem = folder / "cup_in_2"
    inputs = {}
    for name, image in (("painting", painting), ("naive", naive), ("tight_mask", tight), ("dilated_mask", tight)):
        save_png(f"{stem}_input_{name}.png", image)
        inputs[name] = f"/elsewhere/{stem.name}_input_{name}.png"
    save_png(f"{stem}_final.png", final)
    write_records(
        [RunRecord("cup in 2", "standard", {}, 0.0, {}, {"final": f"{stem}_final.png"}, inputs=inputs)], folder
    )


def test_a_runs_measures_are_read_from_its_folder_and_a_dissolved_object_scores_merged(tmp_path):
    fake_run(tmp_path / "solid", 1.0)
    fake_run(tmp_path / "ghost", 0.0)
    solid, ghost = result_measures(tmp_path / "solid", "cup in 2"), result_measures(tmp_path / "ghost", "cup in 2")
    assert set(solid) == set(GHOST_WARD) | set(PAINTED_PARTS)
    assert solid["merged"] < 0.1 < 0.9 < ghost["merged"]


def test_the_bench_command_reports_the_agreement_and_writes_it(tmp_path):
    fake_run(tmp_path / "solid", 1.0)
    fake_run(tmp_path / "ghost", 0.0)
    runs = {"A": str(tmp_path / "solid"), "B": str(tmp_path / "ghost")}
    rows = [f"sheet_0{i}\t5\t3\t2\t4\tright\tprefer left" for i in range(1, 4)]
    for j in range(2):
        judge(tmp_path / f"j{j}", runs, {f"sheet_0{i}": ("cup in 2", "A", "B") for i in range(1, 4)}, rows)
    args = ["bench", "--agreement", "--out", str(tmp_path / "out")]
    for j in range(2):
        args += ["--ratings", str(tmp_path / f"j{j}"), "--key", str(tmp_path / f"j{j}" / KEY_FILE)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "merged: ghost_auc 1" in result.output
    report = json.loads((tmp_path / "out" / "agreement.json").read_text())
    assert report["judges"]["ratings"] == 12 and report["merged"]["ghost_auc"] == 1.0


def test_the_agreement_without_ratings_is_refused_with_what_to_give(tmp_path):
    refused = CliRunner().invoke(app, ["bench", "--agreement", "--out", str(tmp_path)])
    assert refused.exit_code != 0 and "--ratings" in refused.output
