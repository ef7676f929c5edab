"""The pairs bench's cases: the pairs file, objects cut from examples and photos, composing, skipping."""

from __future__ import annotations

import numpy as np
import pytest

from harmonize.tools.bench.pairs import PairCase, example_object, missing_inputs, photo_pairs, read_pairs
from harmonize.tools.bench.photo_objects import PHOTO_OBJECTS
from harmonize.types import Placement

HEADER = "object\tpainting\tx\ty\theight\tnote\n"


def test_pairs_file_is_read_and_checked(tmp_path, pair_data):
    good = tmp_path / "pairs.tsv"
    good.write_text(HEADER + "1\t2\t0.5\t0.25\t0.4\ta red block\n")
    (case,) = read_pairs(good, pair_data)
    assert (case.name, case.placement, case.note) == ("1 in 2", Placement(0.5, 0.25, 0.4), "a red block")
    bad_number = tmp_path / "bad.tsv"
    bad_number.write_text(HEADER + "1\t2\tleft\t0.25\t0.4\t\n")
    with pytest.raises(ValueError, match="line 2: x, y and height must be numbers"):
        read_pairs(bad_number, pair_data)
    no_header = tmp_path / "noheader.tsv"
    no_header.write_text("1\t2\t0.5\t0.25\t0.4\n")
    with pytest.raises(ValueError, match="columns object, painting, x, y, height"):
        read_pairs(no_header, pair_data)


def test_example_object_is_the_naive_paste_cut_by_its_mask(pair_data):
    rgba = example_object(pair_data, "1")
    solid = rgba[..., 3] > 128
    rows, cols = np.flatnonzero(solid.any(axis=1)), np.flatnonzero(solid.any(axis=0))
    assert (rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == (20, 10)  # the block, JPEG noise dropped
    assert rgba.shape[0] < 30 and rgba.shape[1] < 20  # cropped to the object and a small margin
    red = rgba[solid][:, :3].mean(axis=0)
    assert red[0] > 180 and red[1] < 80 and red[2] < 80


def test_case_composes_the_object_into_the_painting_at_the_working_size(pair_data):
    case = PairCase(str(pair_data), "1", "2", Placement(0.5, 0.25, 0.4))
    given = case.inputs(40)
    assert given.naive.shape == given.painting.shape == (30, 40, 3) and given.tight.shape == (30, 40)
    assert given.loose is None and given.tau == 7.0
    inside = given.tight > 0.5
    rows = np.flatnonzero(inside.any(axis=1))
    assert rows[-1] - rows[0] + 1 == 12  # 40 % of 30 px
    assert (rows[0] + rows[-1] + 1) / 2 == pytest.approx(0.25 * 30, abs=1)
    assert given.naive[inside][:, 0].mean() > 0.7 and given.naive[~inside][:, 2].mean() > 0.7  # red on blue


def test_cases_whose_files_are_absent_are_listed_with_the_reason(pair_data):
    cases = [
        PairCase(str(pair_data), "1", "2", Placement()),
        PairCase(str(pair_data), "3", "2", Placement()),
        PairCase(str(pair_data), "coffee", "5", Placement()),
    ]
    assert missing_inputs(cases) == [
        f"3 in 2: {pair_data} has no 3_naive.jpg, 3_c_mask.jpg",
        f"coffee in 5: {pair_data} has no 5_target.jpg",
    ]


def test_photo_pairs_use_known_photo_objects(pair_data):
    cases = photo_pairs(pair_data)
    assert {c.object for c in cases} == set(PHOTO_OBJECTS) and all(c.data == str(pair_data) for c in cases)


@pytest.mark.parametrize("name", sorted(PHOTO_OBJECTS))
def test_photo_objects_are_solid_cut_outs(name):
    rgba = PHOTO_OBJECTS[name]()
    assert rgba.dtype == np.uint8 and rgba.shape[2] == 4
    alpha = rgba[..., 3] / 255.0
    assert 0.4 < (alpha > 0.5).mean() < 0.97  # an object with some background cut away
    assert ((alpha > 0.05) & (alpha < 0.95)).mean() < 0.1  # a clean edge, not a haze
