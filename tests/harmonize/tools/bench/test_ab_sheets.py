"""Blind A/B sheets: every case once, sides drawn per case, control sheets showing one run twice,
the key apart and right, the judge's noise scored on the controls, single sheets too."""

from __future__ import annotations

import json

import numpy as np

from harmonize.imageio import load_rgb, save_png
from harmonize.tools.bench.ab_sheets import (
    CONTROL_SHEETS,
    INSTRUCTIONS_FILE,
    KEY_FILE,
    RATINGS_FILE,
    TIE,
    crop_box,
    score_controls,
    score_preferences,
    score_ratings,
    score_single_ratings,
    sheet_layout,
    sides,
    sign_test,
    write_ab_sheets,
    write_single_sheets,
)
from harmonize.tools.bench.report import write_records
from harmonize.tools.bench.runner import RunRecord

CASES = [f"{n} in {n + 1}" for n in range(12)]
RATINGS_HEADER = "sheet\tsolid_left\tpainted_in_left\tsolid_right\tpainted_in_right\tghost_seen\tcomment"
COLOURS = {"A": (0.9, 0.1, 0.1), "B": (0.1, 0.9, 0.1)}  # each run's finals: one flat colour, to tell them apart


def fake_run(folder, variant: str) -> None:
    """A bench folder whose finals are flat COLOURS[variant], with an object mask and a grey naive paste."""
    folder.mkdir()
    mask = np.zeros((40, 60), np.float32)
    mask[10:20, 20:30] = 1.0
    records = []
    for case in CASES:
        stem = folder / case.replace(" ", "_")
        save_png(f"{stem}_final.png", np.full((40, 60, 3), COLOURS[variant], np.float32))
        save_png(f"{stem}_naive.png", np.full((40, 60, 3), 0.5, np.float32))
        save_png(f"{stem}_mask.png", mask)
        inputs = {"naive": f"/elsewhere/{stem.name}_naive.png", "tight_mask": f"/elsewhere/{stem.name}_mask.png"}
        records.append(RunRecord(case, "fast", {}, 0.0, {}, {"final": f"{stem}_final.png"}, inputs=inputs))
    write_records(records, folder)


def judged(folder, sheets: dict[str, tuple], rows: list[str]) -> None:
    """A key of runs A and B whose sheets are {name: (case, left, right[, "control"])}, and the judge's rows."""
    placed = {
        name: {"case": case, "left": left, "right": right, **({"control": True} if control else {})}
        for name, (case, left, right, *control) in sheets.items()
    }
    (folder / KEY_FILE).write_text(json.dumps({"runs": {"A": "a", "B": "b"}, "sheets": placed}))
    (folder / RATINGS_FILE).write_text("\n".join([RATINGS_HEADER, *rows]) + "\n")


def test_ab_sheets_show_each_case_once_with_sides_the_key_records(tmp_path):
    fake_run(tmp_path / "a", "A")
    fake_run(tmp_path / "b", "B")
    sheets = write_ab_sheets(tmp_path / "a", tmp_path / "b", tmp_path / "sheets", seed=7)
    key = json.loads((tmp_path / "sheets" / KEY_FILE).read_text())["sheets"]
    real = [s for s in sheets if not key[s].get("control")]
    controls = [s for s in sheets if key[s].get("control")]
    assert sorted(key[s]["case"] for s in real) == sorted(CASES) and len(controls) == CONTROL_SHEETS
    assert {key[s]["left"] for s in real} == {"A", "B"}  # both sides used over 12 cases
    assert all(key[s]["left"] != key[s]["right"] for s in real)
    assert all(key[s]["left"] == key[s]["right"] for s in controls)  # one run shown twice
    assert {key[s]["left"] for s in controls} == {"A", "B"}  # the runs in turn
    assert controls != sheets[-CONTROL_SHEETS:]  # shuffled in among the others, not appended
    assert [key[s]["case"] for s in real] != CASES  # the order is shuffled
    for sheet in sheets:
        image = load_rgb(tmp_path / "sheets" / f"{sheet}.png")
        row = image[image.shape[0] // 2]
        third = image.shape[1] // 3
        left, right = row[third + third // 2], row[2 * third + third // 2]
        assert np.allclose(left, COLOURS[key[sheet]["left"]], atol=0.02)
        assert np.allclose(right, COLOURS[key[sheet]["right"]], atol=0.02)
    ratings = (tmp_path / "sheets" / RATINGS_FILE).read_text().splitlines()
    assert ratings[0].startswith("sheet\tsolid_left\tpainted_in_left") and len(ratings) == len(sheets) + 1
    assert "tie" in (tmp_path / "sheets" / INSTRUCTIONS_FILE).read_text()
    again = write_ab_sheets(tmp_path / "a", tmp_path / "b", tmp_path / "again", seed=7)
    assert json.loads((tmp_path / "again" / KEY_FILE).read_text())["sheets"] == key and again == sheets
    none = write_ab_sheets(tmp_path / "a", tmp_path / "b", tmp_path / "none", seed=7, controls=0)
    assert len(none) == len(CASES)


def test_single_sheets_and_their_key(tmp_path):
    fake_run(tmp_path / "a", "A")
    sheets = write_single_sheets(tmp_path / "a", tmp_path / "single", seed=1)
    key = json.loads((tmp_path / "single" / KEY_FILE).read_text())["sheets"]
    assert sorted(k["case"] for k in key.values()) == sorted(CASES) and set(key) == set(sheets)
    assert "rate the result" in (tmp_path / "single" / INSTRUCTIONS_FILE).read_text()


def test_single_ratings_are_scored_with_the_ghosts_named(tmp_path):
    fake_run(tmp_path / "a", "A")
    sheets = write_single_sheets(tmp_path / "a", tmp_path / "single", seed=1)
    case_of = json.loads((tmp_path / "single" / KEY_FILE).read_text())["sheets"]
    header = (tmp_path / "single" / RATINGS_FILE).read_text().splitlines()[0]
    assert header == "sheet\tsolid_result\tpainted_in_result\tghost_seen\tcomment"
    rows = [f"{sheets[0]}\t2\t4\tyes\tlegs fade", f"{sheets[1]}\t4\t3\tnone\tsolid", f"{sheets[2]}\t\t\t\t"]
    (tmp_path / "single" / RATINGS_FILE).write_text("\n".join([header, *rows]) + "\n")
    scores = score_single_ratings(tmp_path / "single", tmp_path / "single" / KEY_FILE)
    assert (scores.solid, scores.painted_in, scores.rated) == (3.0, 3.5, 2)  # the blank row is left out
    assert scores.ghosts == [case_of[sheets[0]]["case"]]


def test_sides_are_a_fixed_fair_draw():
    draw = sides(3, 400)
    assert draw == sides(3, 400) and 160 < sum(draw) < 240


def test_wide_crops_are_stacked_and_tall_ones_laid_side_by_side():
    wide = [(name, np.full((100, 300, 3), value, np.float32)) for name, value in (("a", 0.2), ("b", 0.5), ("c", 0.8))]
    stacked = sheet_layout(wide)
    assert stacked.shape[0] > 3 * 100 and stacked.shape[1] == 300  # one above the other, each at full size
    thirds = [stacked[round(stacked.shape[0] * (i + 0.5) / 3), 150] for i in range(3)]
    assert np.allclose(thirds, [[0.2] * 3, [0.5] * 3, [0.8] * 3], atol=0.01)  # in their order, top to bottom
    tall = [(name, np.full((200, 120, 3), 0.5, np.float32)) for name in "abc"]
    row = sheet_layout(tall)
    assert row.shape[1] >= 3 * 120 and row.shape[0] < 2 * 200


def test_the_crop_holds_the_object_and_a_margin_of_painting():
    mask = np.zeros((100, 100), np.float32)
    mask[40:60, 10:30] = 1.0
    rows, cols = crop_box(mask)
    assert (rows.start, rows.stop, cols.start, cols.stop) == (30, 70, 0, 40)


def test_ratings_are_turned_into_means_per_run_through_the_key(tmp_path):
    sheets = {
        "sheet_01": ("x", "A", "B"),
        "sheet_02": ("y", "B", "A"),
        "sheet_03": ("z", "A", "B"),
        "sheet_04": ("x", "A", "A", "control"),
        "sheet_05": ("y", "B", "B", "control"),
    }
    rows = [
        "sheet_01\t2\t3\t4\t3\tleft\t",
        "sheet_02\t5\t4\t3\t2\t\t",
        "sheet_03\t\t\t\t\t\tnot rated",
        "sheet_04\t1\t1\t3\t4\tleft\tPrefer right: crisper",
        "sheet_05\t4\t4\t4\t4\tnone\ttie: the same",
    ]
    judged(tmp_path, sheets, rows)
    scores = score_ratings(tmp_path, tmp_path / KEY_FILE)
    assert scores["A"]["solid"] == 2.5 and scores["B"]["solid"] == 4.5  # A: 2 and 3; B: 4 and 5
    assert scores["A"]["painted_in"] == 2.5 and scores["B"]["painted_in"] == 3.5
    assert scores["A"]["ghosts"] == 1 and scores["B"]["ghosts"] == 0 and scores["A"]["rated"] == 2
    assert scores["B"]["wins_solid"] == 2 and scores["B"]["wins_painted_in"] == 1 and scores["A"]["wins_solid"] == 0
    noise = score_controls(tmp_path, tmp_path / KEY_FILE)  # the controls: gaps 2 and 0, 3 and 0
    assert noise == {"rated": 2.0, "solid_gap": 1.0, "painted_in_gap": 1.5, "sides_picked": 1.0}


def test_preferences_are_read_from_the_comments_through_the_key_controls_apart(tmp_path):
    sheets = {
        "sheet_01": ("x", "A", "B"),
        "sheet_02": ("y", "B", "A"),
        "sheet_03": ("z", "A", "B"),
        "sheet_04": ("w", "B", "A"),
        "sheet_05": ("x", "A", "A", "control"),
    }
    rows = [
        "sheet_01\t4\t3\t4\t4\tnone\tPrefer right: more of the strokes",
        "sheet_02\t4\t4\t3\t4\tnone\tprefer left: the tower holds",
        "sheet_03\t4\t4\t4\t4\tnone\ttie: the same",
        "sheet_04\t3\t3\t4\t4\tnone\tright is better",
        "sheet_05\t3\t3\t4\t4\tnone\tprefer right: a control, not counted",
    ]
    judged(tmp_path, sheets, rows)
    # B on the right of 01 and the left of 02; 03 a tie; 04's comment does not start as asked: a tie
    assert score_preferences(tmp_path, tmp_path / KEY_FILE) == {"A": 0, "B": 2, TIE: 2}


def test_the_sign_test_tells_a_lopsided_count_from_a_coin():
    assert sign_test(0, 0) == 1.0
    assert sign_test(7, 7) == 1.0
    assert sign_test(10, 4) == sign_test(4, 10) > 0.05  # 10 to 4 happens to a fair coin (p 0.18)
    assert sign_test(25, 6) < 0.01


def test_the_authors_finals_are_laid_out_as_a_run_at_our_size(tmp_path):
    from harmonize.tools.bench.authors_run import write_authors_run

    fake_run(tmp_path / "ours", "A")
    data = tmp_path / "dph"
    data.mkdir()
    save_png(data / "0 in 1_final_res2.png", np.full((80, 120, 3), COLOURS["B"], np.float32))  # twice our size
    written = write_authors_run(data, tmp_path / "ours", tmp_path / "authors")
    assert written == ["0 in 1"]  # only the case whose final the data holds
    (record,) = json.loads((tmp_path / "authors" / "bench.json").read_text())
    final = load_rgb(record["images"]["final"])
    assert final.shape == (40, 60, 3) and np.allclose(final, COLOURS["B"], atol=0.01)
    assert set(record["inputs"]) == {"naive", "tight_mask"}  # ours, for the sheets' crops and the measures
    assert np.array_equal(load_rgb(record["inputs"]["naive"]), load_rgb(tmp_path / "ours" / "0_in_1_naive.png"))
    sheets = write_ab_sheets(tmp_path / "ours", tmp_path / "authors", tmp_path / "sheets", 3, ("ours", "authors"), 0)
    key = json.loads((tmp_path / "sheets" / KEY_FILE).read_text())
    assert len(sheets) == 1 and set(key["runs"]) == {"ours", "authors"}
    assert {key["sheets"][sheets[0]]["left"], key["sheets"][sheets[0]]["right"]} == {"ours", "authors"}
