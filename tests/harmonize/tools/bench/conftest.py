"""The pairs bench's tests: a tiny data folder in the paper's format."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image


def save(path, array: np.ndarray, quality: int | None = None) -> None:
    Image.fromarray(array).save(path, **({"quality": quality} if quality else {}))


@pytest.fixture()
def pair_data(tmp_path):
    """Example 1: a red 20x10 block pasted at rows 10-30, cols 30-40 of a grey 48x64 photo (JPEG, as the
    paper's); example 2: a blue 60x80 painting; tau.tsv gives example 2 tau 7."""
    folder = tmp_path / "dph"
    folder.mkdir()
    naive = np.full((48, 64, 3), 128, np.uint8)
    naive[10:30, 30:40] = (220, 30, 30)
    mask = np.zeros((48, 64), np.uint8)
    mask[10:30, 30:40] = 255
    save(folder / "1_naive.jpg", naive, quality=95)
    save(folder / "1_c_mask.jpg", mask, quality=95)
    save(folder / "2_target.jpg", np.full((60, 80, 3), (30, 60, 200), np.uint8), quality=95)
    (folder / "tau.tsv").write_text("example\tstyle_label\ttau\n2\tTest\t7.0\n")
    return folder
