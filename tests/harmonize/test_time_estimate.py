"""The time estimate's formula: the windows it assumes are the engine's, and its model's arithmetic."""

import numpy as np
import pytest

from harmonize.method.iteration_budget import pass2_iterations
from harmonize.options import HarmonizeOptions
from harmonize.presets import preset_options
from harmonize.stage_timer import StageTimer
from harmonize.time_estimate import (
    IMAGE_S_PER_MPX,
    PARALLEL_GAIN,
    PASS1_S_PER_MPX,
    PASS2_MASK_S_PER_MPX,
    PASS2_S_PER_MPX,
    RunPixels,
    estimated_seconds,
    run_pixels,
    typical_mask,
)


@pytest.fixture
def bfloat16_cpu(monkeypatch):
    """The CPU of the profiled runs (docs/design/performance.md), which runs bfloat16 natively."""
    monkeypatch.setattr("harmonize.method.precision.cpu_has_bfloat16", lambda: True)


def object_mask(height: int, width: int, box: tuple[int, int, int, int]) -> np.ndarray:
    mask = np.zeros((height, width), np.float32)
    top, left, bottom, right = box
    mask[top:bottom, left:right] = 1
    return mask


@pytest.mark.parametrize("budget", [0, 4000])
def test_the_windows_and_iterations_are_the_ones_the_engine_runs(harmonizer, budget):
    mask = object_mask(96, 128, (20, 30, 70, 100))
    painting = np.full((96, 128, 3), 0.4, np.float32)
    naive = np.where(mask[..., None] > 0, np.float32(0.8), painting)
    options = HarmonizeOptions(
        size=128, iters1=2, iters2=6, coarse_scale=0.5, coarse_iters2=6, post=False, budget_window_pixels=budget
    )
    timer = StageTimer()
    harmonizer.run(painting, naive, mask, None, options, timer=timer)
    measured = {run.stage: run.window_pixels for run in timer.times.optimisations}
    iterations = {run.stage: run.iterations for run in timer.times.optimisations}
    pixels = run_pixels(mask, options)
    assert pass2_iterations(pixels.pass2, options) == (iterations["pass2 coarse"], iterations["pass2"])
    assert (pixels.pass1, pixels.coarse2, pixels.pass2) == (
        measured["pass1"],
        measured["pass2 coarse"],
        measured["pass2"],
    )
    assert pixels.image == 96 * 128


def test_the_estimate_adds_each_runs_evaluations_times_its_window(bfloat16_cpu):
    options = HarmonizeOptions(iters1=11, coarse_scale=0.5, coarse_iters2=21, iters2=31, precision="bfloat16")
    pixels = RunPixels(400_000, pass1=70_000, coarse2=40_000, pass2=100_000, coarse2_mask=6_000, pass2_mask=24_000)
    one_thread = (
        PASS1_S_PER_MPX * 0.07 * 10
        + PASS2_S_PER_MPX["bfloat16"] * (0.04 * 20 + 0.1 * 30)
        + PASS2_MASK_S_PER_MPX["bfloat16"] * (0.006 * 20 + 0.024 * 30)
        + IMAGE_S_PER_MPX * 0.4
    )
    assert estimated_seconds(options, 1, pixels) == pytest.approx(one_thread)
    assert estimated_seconds(options, 2, pixels) == pytest.approx(one_thread / (1 + PARALLEL_GAIN))


def test_without_bfloat16_on_the_cpu_the_estimate_is_float32s(monkeypatch):
    monkeypatch.setattr("harmonize.method.precision.cpu_has_bfloat16", lambda: False)
    pixels = RunPixels(400_000, pass1=70_000, coarse2=40_000, pass2=100_000, coarse2_mask=6_000, pass2_mask=24_000)
    bfloat16 = HarmonizeOptions(coarse_scale=0.5, precision="bfloat16")
    assert estimated_seconds(bfloat16, 2, pixels) == estimated_seconds(bfloat16.replace(precision="float32"), 2, pixels)


def test_the_standard_budget_keeps_even_a_painting_filling_object_within_a_minute_on_2_threads(bfloat16_cpu):
    options = preset_options("standard")
    whole = object_mask(525, 700, (0, 0, 525, 700))
    unbudgeted = options.replace(budget_window_pixels=0)
    pixels = run_pixels(whole, options)
    assert pixels.pass2 > options.budget_window_pixels
    assert estimated_seconds(options, 2, pixels) <= 60 < estimated_seconds(unbudgeted, 2, pixels)


def test_without_a_mask_a_typical_object_is_assumed():
    options = preset_options("fast")
    assert estimated_seconds(options, 2) == estimated_seconds(options, 2, run_pixels(typical_mask(700), options))
    assert typical_mask(700).shape == (525, 700) and 0.05 < typical_mask(700).mean() < 0.15


# `harmonize bench --profile` on the paper's examples (docs/design/performance.md): preset, size,
# threads, the windows each run recorded (and its loose mask's pixels), its end-to-end seconds.
# float32 (`fast`): one-thread CPU seconds measured before issue 24's second round, as its
# constants; bfloat16 (`standard`, `draft`): wall seconds on 2 quiet cores with the iteration budget
# (both re-measured 2026-12-06, with issue 23's options and pass 1 in float32).
PROFILED = [
    ("fast", 700, 1, RunPixels(700 * 409, 42_432, 25_344, 64_512, 5_628, 22_585), 103.4),  # example 2
    ("fast", 700, 1, RunPixels(700 * 557, 69_088, 39_520, 101_376, 5_775, 23_236), 160.4),  # example 16
    ("fast", 700, 1, RunPixels(700 * 554, 96_950, 71_232, 194_304, 10_267, 41_365), 298.6),  # example 9
    ("fast", 700, 1, RunPixels(537 * 700, 82_600, 49_536, 114_480, 8_621, 34_547), 194.2),  # example 3
    ("fast", 700, 1, RunPixels(597 * 700, 104_300, 104_300, 417_900, 67_265, 269_586), 730.4),  # example 15
    ("fast-draft", 350, 1, RunPixels(350 * 278, 24_325, 17_653, 39_520, 1_417, 5_782), 33.4),  # example 16
    ("standard", 700, 2, RunPixels(477_400, 119_350, 112_224, 340_480, 31_986, 128_302), 60.3),  # example 0
    ("standard", 700, 2, RunPixels(286_300, 42_432, 25_344, 64_512, 5_628, 22_585), 18.6),  # example 2
    ("standard", 700, 2, RunPixels(375_900, 82_600, 49_536, 114_480, 8_621, 34_547), 32.6),  # example 3
    ("standard", 700, 2, RunPixels(382_200, 82_992, 61_152, 159_360, 9_314, 37_526), 44.9),  # example 6
    ("standard", 700, 2, RunPixels(387_800, 96_950, 71_232, 194_304, 10_267, 41_365), 50.0),  # example 9
    ("standard", 700, 2, RunPixels(207_200, 49_728, 37_888, 108_928, 8_706, 35_029), 27.7),  # example 10
    ("standard", 700, 2, RunPixels(379_400, 86_720, 60_704, 145_312, 11_127, 44_827), 37.3),  # example 12
    ("standard", 700, 2, RunPixels(390_600, 77_154, 45_090, 120_904, 8_743, 35_333), 31.6),  # example 14
    ("standard", 700, 2, RunPixels(417_900, 104_300, 104_300, 417_900, 67_265, 269_586), 53.9),  # example 15
    ("standard", 700, 2, RunPixels(389_900, 69_088, 39_520, 101_376, 5_775, 23_236), 26.8),  # example 16
    ("standard", 700, 2, RunPixels(387_100, 56_896, 30_400, 80_896, 5_401, 21_615), 21.9),  # example 20
    ("standard", 700, 2, RunPixels(410_200, 61_830, 33_990, 68_000, 3_523, 14_247), 21.3),  # example 23
    ("standard", 700, 2, RunPixels(312_900, 63_778, 38_850, 104_468, 6_671, 26_795), 25.7),  # example 26
    ("standard", 700, 2, RunPixels(331_800, 63_990, 39_552, 73_984, 2_512, 10_152), 22.1),  # example 30
    ("draft", 350, 2, RunPixels(119_350, 29_750, 29_750, 117_600, 7_980, 32_057), 9.9),  # example 0
    ("draft", 350, 2, RunPixels(71_400, 17_850, 11_424, 25_344, 1_401, 5_637), 5.3),  # example 2
    ("draft", 350, 2, RunPixels(104_300, 26_075, 26_075, 104_300, 16_759, 67_266), 9.9),  # example 15
    ("draft", 350, 2, RunPixels(97_300, 24_325, 17_653, 39_520, 1_417, 5_782), 7.0),  # example 16
]


@pytest.mark.parametrize("preset, size, threads, pixels, measured", PROFILED)
def test_the_formula_reproduces_the_profiled_runs_within_30_percent(
    bfloat16_cpu, preset, size, threads, pixels, measured
):
    estimate = estimated_seconds(preset_options(preset, size=size), threads, pixels)
    assert estimate == pytest.approx(measured, rel=0.3)
