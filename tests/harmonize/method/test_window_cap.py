"""The window cap: the size it picks, and a capped run (outputs at the working size, optimised smaller)."""

import numpy as np
import pytest

from harmonize.method.window_cap import capped_shape, window_pixels
from harmonize.options import HarmonizeOptions, OptionsError
from harmonize.resize import resize_bilinear
from harmonize.stage_timer import StageTimer


def block_mask(height: int, width: int, top: int, left: int, size: int) -> np.ndarray:
    mask = np.zeros((height, width), np.float32)
    mask[top : top + size, left : left + size] = 1
    return mask


def test_no_cap_or_a_window_within_it_keeps_the_size():
    loose = block_mask(300, 400, 100, 100, 50)
    assert capped_shape(loose, 0) == (300, 400)
    assert capped_shape(loose, window_pixels(loose)) == (300, 400)


def test_a_large_window_shrinks_to_the_largest_size_that_fits():
    loose = block_mask(600, 800, 50, 50, 500)
    cap = 100_000
    height, width = capped_shape(loose, cap)
    assert (height, width) != (600, 800) and abs(height / width - 0.75) < 0.01
    fits = (resize_bilinear(loose, height, width) > 0.5).astype(np.float32)
    assert window_pixels(fits) <= cap
    bigger = (resize_bilinear(loose, height + 3, width + 4) > 0.5).astype(np.float32)
    assert window_pixels(bigger) > cap  # a step larger no longer fits: the cap is not wasted


def test_the_cap_is_a_validated_option():
    assert HarmonizeOptions().max_window_pixels == 0
    with pytest.raises(OptionsError, match="max_window_pixels"):
        HarmonizeOptions(max_window_pixels=-1)
    with pytest.raises(OptionsError, match="precision"):
        HarmonizeOptions(precision="float16")  # type: ignore[arg-type]


def test_a_capped_run_optimises_smaller_and_keeps_the_painting_outside_the_mask(harmonizer):
    painting = np.full((96, 128, 3), 0.5, np.float32)
    painting[::4] = 0.2
    naive = painting.copy()
    naive[16:80, 24:104] = (0.9, 0.1, 0.1)
    mask = np.zeros((96, 128), np.float32)
    mask[16:80, 24:104] = 1
    options = HarmonizeOptions(size=128, iters1=3, iters2=3, coarse_scale=0.5, coarse_iters2=3, post=False)
    timer = StageTimer()
    result = harmonizer.run(painting, naive, mask, None, options.replace(max_window_pixels=6000), timer=timer)
    assert result.pass2.shape == (96, 128, 3)
    full_size = timer.times.optimisations[-1].size
    assert full_size[0] < 96 and timer.times.optimisations[-1].window_pixels <= 6000
    outside = result.dilated_mask == 0
    np.testing.assert_array_equal(result.pass2[outside], painting[outside])
