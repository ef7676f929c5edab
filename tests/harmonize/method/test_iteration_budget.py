"""The iteration budget: the share of pass 2's iterations it keeps, and a run over it (fewer evaluations, full size)."""

import numpy as np
import pytest

from harmonize.method.iteration_budget import coarse_shape, iteration_share, pass2_iterations, window_pixels
from harmonize.options import HarmonizeOptions, OptionsError
from harmonize.stage_timer import StageTimer
from tests.support.red_block import red_block_scene


def block_mask(height: int, width: int, top: int, left: int, size: int) -> np.ndarray:
    mask = np.zeros((height, width), np.float32)
    mask[top : top + size, left : left + size] = 1
    return mask


def test_no_budget_or_a_window_within_it_keeps_every_iteration():
    options = HarmonizeOptions(coarse_scale=0.5, coarse_iters2=70, iters2=30)
    assert pass2_iterations(400_000, options) == (70, 30)
    within = options.replace(budget_window_pixels=200_000)
    assert iteration_share(200_000, 200_000) == 1.0
    assert pass2_iterations(150_000, within) == (70, 30)


def test_a_larger_window_keeps_iterations_in_proportion_and_at_least_one():
    options = HarmonizeOptions(coarse_scale=0.5, coarse_iters2=70, iters2=30, budget_window_pixels=200_000)
    assert iteration_share(400_000, 200_000) == 0.5
    assert pass2_iterations(400_000, options) == (35, 15)
    assert pass2_iterations(10**9, options) == (1, 1)
    assert pass2_iterations(400_000, options.replace(coarse_iters2=0)) == (0, 15)


def test_the_window_is_pass_2s_and_the_coarse_level_keeps_the_proportions():
    loose = block_mask(300, 400, 100, 100, 50)
    assert 50 * 50 < window_pixels(loose) < 300 * 400
    assert coarse_shape(300, 400, 0.5) == (150, 200)
    assert coarse_shape(300, 400, 1.0) == (300, 400)
    assert max(coarse_shape(30, 40, 0.1)) == 32  # never below the coarse floor


def test_the_budget_is_a_validated_option():
    assert HarmonizeOptions().budget_window_pixels == 0
    with pytest.raises(OptionsError, match="budget_window_pixels"):
        HarmonizeOptions(budget_window_pixels=-1)
    with pytest.raises(OptionsError, match="precision"):
        HarmonizeOptions(precision="float16")  # type: ignore[arg-type]


def test_a_run_over_the_budget_evaluates_less_at_the_same_sizes(harmonizer):
    painting, naive, mask = red_block_scene(96, 128, slice(16, 80), slice(24, 104))
    options = HarmonizeOptions(size=128, iters1=3, iters2=6, coarse_scale=0.5, coarse_iters2=6, post=False)
    runs = {}
    for budget in (0, 4000):
        timer = StageTimer()
        result = harmonizer.run(painting, naive, mask, None, options.replace(budget_window_pixels=budget), timer=timer)
        runs[budget] = {run.stage: run for run in timer.times.optimisations}
        assert result.pass2.shape == (96, 128, 3)
        outside = result.dilated_mask == 0
        np.testing.assert_array_equal(result.pass2[outside], painting[outside])
    free, budgeted = runs[0], runs[4000]
    window = free["pass2"].window_pixels
    assert window > 4000
    for stage in ("pass2 coarse", "pass2"):
        assert budgeted[stage].size == free[stage].size and budgeted[stage].window_pixels == free[stage].window_pixels
        assert budgeted[stage].iterations == round(6 * 4000 / window) < free[stage].iterations == 6
