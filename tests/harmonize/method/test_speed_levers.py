"""The speed levers of issue 5 that paid: the painting-feature cache, a coarse pass 1 and pass 2."""

import numpy as np
import pytest
import torch

from harmonize import HarmonizeOptions
from harmonize.method.painting_features import KEPT_LAYERS, PaintingFeatureCache
from harmonize.method.vgg import to_caffe
from harmonize.quality import gram_distances
from harmonize.tools.demo.example import demo_inputs


def test_painting_features_are_computed_once_and_equal_a_fresh_run(vgg16):
    painting_features = PaintingFeatureCache(vgg16, size=1)
    painting = to_caffe(np.random.default_rng(0).random((48, 64, 3), dtype=np.float32))
    first = painting_features(painting)
    assert painting_features(painting.clone()) is first  # same pixels: a cache hit
    with torch.inference_mode():
        fresh = vgg16.run(painting)
    assert set(first) == set(KEPT_LAYERS)
    for name in KEPT_LAYERS:
        torch.testing.assert_close(first[name], fresh[name])
    other = painting_features(painting.flip(-1))
    assert other is not first and len(painting_features) == 1  # the oldest painting was dropped


@pytest.fixture(scope="module")
def fast_run(harmonizer):
    inputs = demo_inputs(128)
    options = HarmonizeOptions(size=128, tau=2.0, iters1=20, iters2=20, post=False, coarse_scale=0.5, coarse_iters2=10)
    events = []
    return harmonizer.run_object(inputs.painting, inputs.object_rgba, inputs.placement, options, events.append), events


def test_coarse_pass1_result_has_the_working_size_and_keeps_the_painting_outside(fast_run):
    result, events = fast_run
    assert result.pass1.shape == result.pass2.shape == result.painting.shape
    outside = result.dilated_mask == 0
    for image in (result.pass1, result.pass2):
        np.testing.assert_array_equal(image[outside], np.clip(result.painting[outside], 0, 1))
    assert events[-1].stage == "pass2" and events[-1].step == events[-1].total == 30
    steps = [e.step for e in events if e.stage == "pass2"]
    assert steps == sorted(steps), "pass-2 progress must not go back when the full-size pass starts"


def test_coarse_pass1_optimises_the_smaller_image(monkeypatch, harmonizer):
    import harmonize.harmonizer as api

    seen = []

    def spy(net, composite, *args, **kwargs):
        seen.append(tuple(composite.shape[2:]))
        return run_pass1(net, composite, *args, **kwargs)

    run_pass1 = api.run_pass1
    monkeypatch.setattr(api, "run_pass1", spy)
    inputs = demo_inputs(128)
    for scale in (0.5, 1.0):
        options = HarmonizeOptions(size=128, iters1=2, iters2=2, post=False, coarse_scale=scale)
        result = harmonizer.run_object(inputs.painting, inputs.object_rgba, inputs.placement, options)
        assert result.pass1.shape == result.painting.shape
    assert max(seen[0]) <= 64 < max(seen[1]) <= 128, seen


def test_fast_levers_still_move_the_object_towards_the_painting(fast_run, vgg16):
    result, _ = fast_run
    naive, second = gram_distances(vgg16, [result.naive, result.pass2], result.painting, result.tight_mask)
    assert second < naive, (naive, second)


def test_coarse_pass2_runs_small_then_starts_the_full_pass_from_its_change(monkeypatch, harmonizer):
    import harmonize.harmonizer as api

    calls = []

    def spy(net, composite, *args, start=None, **kwargs):
        calls.append((tuple(composite.shape[2:]), start))
        return run_pass2(net, composite, *args, start=start, **kwargs)

    run_pass2 = api.run_pass2
    monkeypatch.setattr(api, "run_pass2", spy)
    inputs = demo_inputs(128)
    options = HarmonizeOptions(size=128, iters1=2, iters2=2, post=False, coarse_scale=0.5, coarse_iters2=3)
    harmonizer.run_object(inputs.painting, inputs.object_rgba, inputs.placement, options)
    (small, small_start), (large, large_start) = calls
    assert max(small) <= 64 < max(large) and small_start is None
    assert large_start is not None and large_start.shape[2:] == large


def test_coarse_iters2_without_a_coarse_pass1_is_refused():
    with pytest.raises(ValueError, match="coarse_scale"):
        HarmonizeOptions(size=96, iters1=2, iters2=2, post=False, coarse_iters2=3)
