"""The stage timer: what it adds up (fake clocks), and what one small run records (its structure, never its time)."""

import pytest

from harmonize.options import HarmonizeOptions
from harmonize.stage_timer import StageTimer
from harmonize.types import Progress
from tests.support.red_block import red_block_scene


class TickingClock:
    """A clock that advances by `step` on every reading."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_stages_nest_and_a_repeated_name_adds_up():
    timer = StageTimer(wall_clock=TickingClock(1.0), cpu_clock=TickingClock(0.5))
    with timer.stage("outer"):  # wall readings: 1 in, then 2 + 3 inner, 4 + 5 inner, 6 out
        with timer.stage("inner"):
            pass
        with timer.stage("inner"):
            pass
    assert timer.times.wall == {"inner": 2.0, "outer": 5.0}
    assert timer.times.cpu == {"inner": 1.0, "outer": 2.5}


def test_elapsed_counts_the_open_stage():
    timer = StageTimer(wall_clock=TickingClock(1.0), cpu_clock=TickingClock(1.0))
    with timer.stage("pass1"):  # entered at 1
        assert timer.elapsed("pass1") == 1.0  # read at 2
    assert timer.elapsed("pass1") == 2.0  # closed at 3
    assert timer.elapsed("never") == 0.0


@pytest.fixture(scope="module")
def coarse_run(harmonizer):
    """A 64 px coarse-to-fine run on a red block in a grey picture, with its timer and progress events."""
    painting, naive, mask = red_block_scene(48, 64, slice(12, 36), slice(20, 44))
    options = HarmonizeOptions(size=64, iters1=4, iters2=3, coarse_scale=0.5, coarse_iters2=5, post=True)
    timer, events = StageTimer(), []
    result = harmonizer.run(painting, naive, mask, None, options, progress=events.append, timer=timer)
    return result, timer, events, options


def test_every_stage_of_the_run_is_timed(coarse_run):
    result, timer, _, _ = coarse_run
    stages = {
        "total", "load", "levels", "painting features", "pass1", "pass1 matching", "pass1 evaluations", "pass2",
        "pass2 coarse matching", "pass2 coarse targets", "pass2 coarse evaluations", "pass2 matching",
        "pass2 targets", "pass2 evaluations", "post",
    }  # fmt: skip
    assert set(timer.times.wall) == set(timer.times.cpu) == stages
    assert result.seconds is timer.times.wall and result.times is timer.times


def test_each_lbfgs_run_is_recorded_with_the_options_counts(coarse_run):
    _, timer, _, options = coarse_run
    runs = timer.times.optimisations
    assert [run.stage for run in runs] == ["pass1", "pass2 coarse", "pass2"]
    assert [run.iterations for run in runs] == [options.iters1, options.coarse_iters2, options.iters2]
    # torch7 saves the image after iterations - 1 updates, never evaluating the last one (§3.4)
    assert [run.evaluations for run in runs] == [options.iters1 - 1, options.coarse_iters2 - 1, options.iters2 - 1]
    assert [run.size for run in runs] == [(24, 32), (24, 32), (48, 64)]
    assert all(0 < run.window_pixels <= run.size[0] * run.size[1] for run in runs)


def test_progress_events_carry_the_timers_seconds(coarse_run):
    _, _, events, _ = coarse_run
    timed = [event for event in events if event.seconds is not None]
    assert {event.stage for event in timed} == {"pass1", "pass2", "post"}
    assert all(isinstance(event, Progress) and event.seconds >= 0 for event in timed)
