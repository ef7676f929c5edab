"""The rule-built pairs benchmark: which paintings, where, how many cases."""

from __future__ import annotations

import numpy as np
import pytest

from harmonize.tools.bench.photo_objects import PHOTO_OBJECTS
from harmonize.tools.bench.rule_pairs import (
    MAX_HEIGHT,
    MIN_HEIGHT,
    choose_paintings,
    own_placement,
    read_taus,
    rule_pairs,
)
from tests.harmonize.tools.bench.conftest import save

TAUS = {"1": 1.0, "2": 9.0, "3": 4.0, "4": 1.2, "5": 7.0, "6": 5.0, "7": 2.0}


def test_paintings_are_one_per_tau_band_and_never_the_objects_own():
    for rank, own in enumerate(TAUS):
        low, mid, high = choose_paintings(TAUS, own, rank)
        assert own not in (low, mid, high)
        assert TAUS[low] <= TAUS[mid] <= TAUS[high] and len({low, mid, high}) == 3
    # the others of "1", by tau: 4 (1.2), 7 (2) | 3 (4), 6 (5) | 5 (7), 2 (9)
    assert choose_paintings(TAUS, "1", 0) == ["4", "3", "5"]
    assert choose_paintings(TAUS, "1", 1) == ["7", "6", "2"]
    assert choose_paintings(TAUS, "1", 1) == choose_paintings(dict(reversed(TAUS.items())), "1", 1)  # order-free


def test_too_few_paintings_for_the_rule_are_refused():
    with pytest.raises(ValueError, match="at least 3 other paintings"):
        choose_paintings({"1": 1.0, "2": 2.0, "3": 3.0}, "1", 0)


def test_placement_is_the_objects_own_with_the_height_clamped():
    mask = np.zeros((100, 200), np.float32)
    mask[20:50, 150:170] = 1.0
    assert own_placement(mask).x == pytest.approx(0.8) and own_placement(mask).y == pytest.approx(0.35)
    assert own_placement(mask).height == pytest.approx(0.3)
    tiny, huge = np.zeros((100, 200), np.float32), np.ones((100, 200), np.float32)
    tiny[10:12, 10:12] = 1.0
    assert own_placement(tiny).height == MIN_HEIGHT and own_placement(huge).height == MAX_HEIGHT
    with pytest.raises(ValueError, match="empty"):
        own_placement(np.zeros((10, 10), np.float32))


def test_rule_pairs_on_a_tiny_data_folder(tmp_path):
    for example in TAUS:
        mask = np.zeros((40, 40), np.uint8)
        mask[10:30, 5:15] = 255
        save(tmp_path / f"{example}_c_mask.jpg", mask, quality=95)
    (tmp_path / "tau.tsv").write_text(
        "example\tstyle_label\ttau\n" + "".join(f"{e}\tTest\t{t}\n" for e, t in TAUS.items())
    )
    cases = rule_pairs(tmp_path)
    examples = [c for c in cases if c.object not in PHOTO_OBJECTS]
    assert len(examples) == 3 * len(TAUS) and len(cases) == len(examples) + 6
    assert all(c.object != c.painting for c in examples)
    assert [c.name for c in cases] == [c.name for c in rule_pairs(tmp_path)]  # deterministic
    assert examples[0].placement.x == pytest.approx(0.25) and examples[0].placement.height == pytest.approx(0.5)
    assert len(rule_pairs(tmp_path, photos=False)) == len(examples)
    assert read_taus(tmp_path / "absent") == {}


def test_rule_pairs_on_the_shared_examples_give_at_least_40_cases_without_the_city(dph):
    cases = rule_pairs(dph)
    assert len(cases) >= 40
    assert not any(c.object == "15" for c in cases)
    assert all(c.object != c.painting for c in cases)
    assert len({c.name for c in cases}) == len(cases)
