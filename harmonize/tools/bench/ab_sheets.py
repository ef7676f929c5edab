"""Blind sheets for a judge: two bench runs side by side, or one run alone, unlabelled (issue 23).

An A/B sheet shows, cropped around the object, the naive paste (what was asked for) and the
finals of two runs of the same case, their sides drawn at random per case; a single sheet
shows the naive paste and one final. Sheets are numbered in a shuffled order, so neither the
case order nor the sides tell the runs apart. The key (which run is on which side, which case
is which sheet) is written to a separate file; the judge fills ratings.tsv (solid and painted
in, 1 to 5, per side) from the sheets alone, following the INSTRUCTIONS_FILE written beside A/B sheets.

A few control sheets show one run's final on both sides, shuffled in among the others: how far
apart the judge rates two identical pictures is the noise a verdict must clear (two judges told
to show any difference "however slight" picked a side on every identical sheet, one of them 1.0
apart on painted in: docs/design/painted-in.md, "The palette contrast's move, undiluted").
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

from harmonize.compare import GAP, labelled_row
from harmonize.imageio import save_png
from harmonize.quality import bounding_box
from harmonize.resize import resize_bilinear
from harmonize.tools.bench.run_folder import records_by_case, run_final, run_input, run_mask

CROP_MARGIN = 0.5  # of the object's box on each side: enough painting around it to judge "painted in"
SHEET_HEIGHT = 420  # px: each crop is shown at this height
KEY_FILE = "key.json"  # kept apart from the sheets: only the person who scores the ratings opens it
RATINGS_FILE = "ratings.tsv"  # what the judge fills in
INSTRUCTIONS_FILE = "INSTRUCTIONS.md"  # what the judge reads first
CONTROL_SHEETS = 3  # A/B sheets with the same final on both sides (about one in five of 14 cases)
AXES = ("solid", "painted_in")  # 1 to 5 each (issue 23)
SCREEN_ASPECT = 1.6  # width / height of a judge's viewer: a sheet is laid out in a row or a column, the nearer
TIE = "tie"  # score_preferences' name for the sheets where neither side was preferred
AB_INSTRUCTIONS = """# Judging instructions

Each sheet in this folder shows one object pasted into a painting: the pasted photo, then the
result of two methods, a left and a right side, cropped around the object. You do not know which
method is which, and the sides are drawn anew for every sheet.

For each sheet, rate each side (left, right) on two axes, 1 (worst) to 5 (best):

- **solid**: is the object recognisable and opaque? Are all of its parts there (thin parts: legs,
  arms, spires, towers, handles, ears), or does any part turn see-through, letting the painting
  show through it (a "ghost")?
- **painted_in**: does the object look painted by the same hand as the painting: the painting's
  own brush marks, texture and palette on it, rather than a photo with a filter?

Say for each sheet whether you see a ghost (ghost_seen: left, right, both or none), and write one
short comment starting with "prefer left", "prefer right" or "tie", saying why. Let your scores
show a difference you can see, however slight; where you see none, give both sides the same
scores and write "tie".

Fill in `ratings.tsv` in this folder (tab-separated, one line per sheet, its header already
there): solid_left, painted_in_left, solid_right, painted_in_right (1 to 5), ghost_seen and
comment. Look at every sheet image yourself and judge by eye, as a viewer would: do not measure
the pictures with programs. Work only inside this folder.
"""

SINGLE_INSTRUCTIONS = """# Judging instructions

Each sheet in this folder shows one object pasted into a painting: the pasted photo, then the
result of a method that paints the object into the painting, cropped around the object.

For each sheet, rate the result on two axes, 1 (worst) to 5 (best):

- **solid**: is the object recognisable and opaque? Are all of its parts there (thin parts: legs,
  arms, spires, towers, handles, ears), or does any part turn see-through, letting the painting
  show through it (a "ghost")?
- **painted_in**: does the object look painted by the same hand as the painting: the painting's
  own brush marks, texture and palette on it, rather than a photo with a filter?

Say for each sheet whether you see a ghost (ghost_seen: yes or none), and write one short comment
naming what decided your scores (the part that fades, the marks that are or are not there).

Fill in `ratings.tsv` in this folder (tab-separated, one line per sheet, its header already
there): solid_result, painted_in_result (1 to 5), ghost_seen and comment. Look at every sheet
image yourself and judge by eye, as a viewer would: do not measure the pictures with programs.
Work only inside this folder.
"""


def crop_box(tight: np.ndarray, margin: float = CROP_MARGIN) -> tuple[slice, slice]:
    """The object's box in an (H, W) mask grown by `margin` of its size on each side, clipped to the image."""
    rows, cols = bounding_box(tight > 0.5)
    h, w = tight.shape
    dy = round(margin * (rows.stop - rows.start))
    dx = round(margin * (cols.stop - cols.start))
    return (
        slice(max(0, rows.start - dy), min(h, rows.stop + dy)),
        slice(max(0, cols.start - dx), min(w, cols.stop + dx)),
    )


def crop(image: np.ndarray, box: tuple[slice, slice], height: int = SHEET_HEIGHT) -> np.ndarray:
    """The box of an (H, W, 3) image, resized to `height` px tall (aspect kept)."""
    part = image[box]
    width = max(1, round(part.shape[1] * height / part.shape[0]))
    return resize_bilinear(part, height, width)


def sides(seed: int, count: int) -> list[bool]:
    """Per case, True when run A goes on the left: a fair coin per case, fixed by `seed`."""
    draw = random.Random(seed)
    return [draw.random() < 0.5 for _ in range(count)]


def write_ab_sheets(
    run_a: Path,
    run_b: Path,
    out: Path,
    seed: int,
    labels: tuple[str, str] = ("A", "B"),
    controls: int = CONTROL_SHEETS,
) -> list[str]:
    """sheet_NN.png for every case both runs have, plus `controls` control sheets (one run's final
    on both sides, the runs in turn), shuffled together; the key (KEY_FILE), the judge's
    instructions and an empty RATINGS_FILE. Returns the sheets' names.

    labels: what the key calls the two runs (e.g. ("B", "authors")).
    """
    a, b = records_by_case(run_a), records_by_case(run_b)
    names = sorted(set(a) & set(b))
    draw = random.Random(seed)
    repeated = draw.sample(names, min(controls, len(names)))
    entries: list[tuple[str, str | None]] = [(name, None) for name in names]
    entries += [(name, labels[i % 2]) for i, name in enumerate(repeated)]  # (case, the run shown twice)
    draw.shuffle(entries)
    runs = {labels[0]: (run_a, a), labels[1]: (run_b, b)}
    out.mkdir(parents=True, exist_ok=True)
    key, sheets = {}, []
    a_left_draw = iter(sides(seed + 1, len(entries)))
    for number, (name, twice) in enumerate(entries, start=1):
        sheet = f"sheet_{number:02d}"
        if twice is None:
            left, right = labels if next(a_left_draw) else labels[::-1]
        else:
            left = right = twice
        (left_run, left_records), (right_run, right_records) = runs[left], runs[right]
        box = crop_box(run_mask(left_records[name], left_run))
        row = [("pasted photo", crop(run_input(left_records[name], left_run, "naive"), box))]
        row += [("left", crop(run_final(left_records[name], left_run), box))]
        row += [("right", crop(run_final(right_records[name], right_run), box))]
        save_png(out / f"{sheet}.png", sheet_layout(row))
        key[sheet] = {"case": name, "left": left, "right": right, **({"control": True} if twice else {})}
        sheets.append(sheet)
    listed = {label: str(run) for label, (run, _) in runs.items()}
    (out / KEY_FILE).write_text(json.dumps({"runs": listed, "sheets": key}, indent=2))
    (out / INSTRUCTIONS_FILE).write_text(AB_INSTRUCTIONS)
    _ratings_template(out, sheets, ("left", "right"))
    return sheets


def write_single_sheets(run: Path, out: Path, seed: int) -> list[str]:
    """single_NN.png (pasted photo | result) for every case of one run, shuffled; the key, the judge's
    instructions and an empty RATINGS_FILE."""
    records = records_by_case(run)
    names = sorted(records)
    random.Random(seed).shuffle(names)
    out.mkdir(parents=True, exist_ok=True)
    key, sheets = {}, []
    for number, name in enumerate(names, start=1):
        sheet = f"single_{number:02d}"
        box = crop_box(run_mask(records[name], run))
        row = [("pasted photo", crop(run_input(records[name], run, "naive"), box))]
        row.append(("result", crop(run_final(records[name], run), box)))
        save_png(out / f"{sheet}.png", sheet_layout(row))
        key[sheet] = {"case": name}
        sheets.append(sheet)
    (out / KEY_FILE).write_text(json.dumps({"run": str(run), "sheets": key}, indent=2))
    (out / INSTRUCTIONS_FILE).write_text(SINGLE_INSTRUCTIONS)
    _ratings_template(out, sheets, ("result",))
    return sheets


def sheet_layout(panels: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """(H, W, 3) float32: the labelled panels in a row, or stacked in a column where that is nearer SCREEN_ASPECT.

    A wide object's three crops side by side make a strip the viewer shrinks until its details are
    lost (judges said so of the Star Destroyer and the fire truck); stacked, they keep their size.
    """
    row = labelled_row(panels)
    singles = [labelled_row([panel]) for panel in panels]
    width = max(single.shape[1] for single in singles)
    gap = np.ones((GAP, width, 3), np.float32)
    stacked = [
        np.pad(single, ((0, 0), (0, width - single.shape[1]), (0, 0)), constant_values=1.0) for single in singles
    ]
    column = np.concatenate([part for single in stacked for part in (single, gap)][:-1])
    return min((row, column), key=lambda sheet: abs(np.log(sheet.shape[1] / sheet.shape[0] / SCREEN_ASPECT)))


def score_ratings(sheets: Path, key: Path) -> dict[str, dict[str, float]]:
    """Per run (as the key names them): mean solid and painted-in, sheets rated, ghosts seen, wins per axis.

    sheets: the folder with the judge's RATINGS_FILE; key: the KEY_FILE of write_ab_sheets (kept
    apart). Blank ratings and control sheets are skipped; ghost_seen names the side(s) ("left",
    "right", "both").
    """
    written = json.loads(key.read_text())
    sides_of, runs = written["sheets"], list(written["runs"])
    scores: dict[str, dict[str, list[float]]] = {run: {axis: [] for axis in AXES} for run in runs}
    ghosts, wins = dict.fromkeys(runs, 0), {f"{run}_{axis}": 0 for run in runs for axis in AXES}
    for row in read_ratings(sheets):
        placed = sides_of[row["sheet"]]
        if placed.get("control"):
            continue
        for axis in AXES:
            if (pair := _side_scores(row, axis)) is not None:
                left, right = pair
                scores[placed["left"]][axis].append(left)
                scores[placed["right"]][axis].append(right)
                if left != right:
                    wins[f"{placed['left' if left > right else 'right']}_{axis}"] += 1
        seen = (row.get("ghost_seen") or "").strip().lower()
        for side in ("left", "right"):
            if seen in (side, "both"):
                ghosts[placed[side]] += 1
    return {
        run: {
            **{axis: float(np.mean(values)) if values else float("nan") for axis, values in scores[run].items()},
            "rated": float(len(scores[run]["solid"])),
            "ghosts": float(ghosts[run]),
            **{f"wins_{axis}": float(wins[f"{run}_{axis}"]) for axis in AXES},
        }
        for run in runs
    }


@dataclass(frozen=True)
class SingleScores:
    """One judge's single sheets: mean solid and painted-in (nan when none rated), sheets rated, cases with a ghost."""

    solid: float
    painted_in: float
    rated: int
    ghosts: list[str]


def score_single_ratings(sheets: Path, key: Path) -> SingleScores:
    """Score one judge's single sheets: the folder with their RATINGS_FILE, and write_single_sheets' KEY_FILE.

    Rows with a blank rating are skipped; ghost_seen "yes" counts a ghost.
    """
    cases = json.loads(key.read_text())["sheets"]
    scores: dict[str, list[float]] = {axis: [] for axis in AXES}
    ghosts = []
    for row in read_ratings(sheets):
        rated = [(axis, value) for axis in AXES if (value := side_score(row, axis, "result")) is not None]
        if len(rated) < len(AXES):
            continue
        for axis, value in rated:
            scores[axis].append(value)
        if (row.get("ghost_seen") or "").strip().lower() == "yes":
            ghosts.append(cases[row["sheet"]]["case"])
    solid, painted = (float(np.mean(scores[axis])) if scores[axis] else float("nan") for axis in AXES)
    return SingleScores(solid, painted, len(scores["solid"]), sorted(ghosts))


def score_controls(sheets: Path, key: Path) -> dict[str, float]:
    """The judge's noise on the control sheets (the same picture on both sides): sheets rated, the
    mean gap between the sides per axis (0 for a judge who sees they are the same), and on how
    many the comment picked a side."""
    sides_of = json.loads(key.read_text())["sheets"]
    gaps: dict[str, list[float]] = {axis: [] for axis in AXES}
    picked = 0
    for row in read_ratings(sheets):
        if not sides_of[row["sheet"]].get("control"):
            continue
        rated = {axis: pair for axis in AXES if (pair := _side_scores(row, axis)) is not None}
        if len(rated) < len(AXES):
            continue
        for axis, (left, right) in rated.items():
            gaps[axis].append(abs(left - right))
        picked += (row.get("comment") or "").strip().lower().startswith("prefer")
    return {
        "rated": float(len(gaps["solid"])),
        **{f"{axis}_gap": float(np.mean(values)) if values else float("nan") for axis, values in gaps.items()},
        "sides_picked": float(picked),
    }


def score_preferences(sheets: Path, key: Path) -> dict[str, int]:
    """How many real (not control) sheets the judge's comment preferred each run on, and "tie" for the rest.

    The comment starts with "prefer left", "prefer right" or "tie" (AB_INSTRUCTIONS); anything else
    counts as a tie.
    """
    written = json.loads(key.read_text())
    sides_of = written["sheets"]
    counts = dict.fromkeys([*written["runs"], TIE], 0)
    for row in read_ratings(sheets):
        placed = sides_of[row["sheet"]]
        if placed.get("control"):
            continue
        comment = (row.get("comment") or "").strip().lower()
        side = next((side for side in ("left", "right") if comment.startswith(f"prefer {side}")), None)
        counts[placed[side] if side else TIE] += 1
    return counts


def sign_test(first: int, second: int) -> float:
    """Two-sided sign-test p-value of `first` against `second` preferences (ties left out); 1 when there are none.

    Under "no difference" each preference is a coin toss: the control sheets show judges pick a
    side on most identical pairs (docs/design/painted-in.md, "Blind A/B sheets"), so a count of
    preferences means little until this is small.
    """
    if first + second == 0:
        return 1.0
    return float(binomtest(first, first + second, 0.5).pvalue)


def side_score(row: dict[str, str], axis: str, side: str) -> float | None:
    """One side's ("left", "right", "result") score on `axis` in a ratings row; None where it is blank."""
    value = (row.get(f"{axis}_{side}") or "").strip()
    return float(value) if value else None


def _side_scores(row: dict[str, str], axis: str) -> tuple[float, float] | None:
    """The (left, right) scores of one axis in a ratings row; None where either is blank."""
    left, right = (side_score(row, axis, side) for side in ("left", "right"))
    return (left, right) if left is not None and right is not None else None


def read_ratings(sheets: Path) -> list[dict[str, str]]:
    """The judge's RATINGS_FILE in `sheets`, one dict per sheet."""
    with (sheets / RATINGS_FILE).open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _ratings_template(out: Path, sheets: list[str], columns: tuple[str, ...]) -> None:
    header = ["sheet"] + [f"{axis}_{side}" for side in columns for axis in AXES] + ["ghost_seen", "comment"]
    lines = ["\t".join(header)] + [sheet + "\t" * (len(header) - 1) for sheet in sheets]
    (out / RATINGS_FILE).write_text("\n".join(lines) + "\n")
