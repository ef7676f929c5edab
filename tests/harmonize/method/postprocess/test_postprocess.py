"""Post-processing (docs/algorithm.md §5): guided filter, PatchMatch + vote, blend, the paper's data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skimage import color

from harmonize.imageio import load_mask, load_rgb
from harmonize.method.postprocess import postprocess
from harmonize.method.postprocess.chrominance import denoise_chrominance
from harmonize.method.postprocess.guided_filter import guided_filter_color
from harmonize.method.postprocess.patch_match import nearest_neighbour_field, vote
from harmonize.method.postprocess.pipeline import CROP_MARGIN, soft_mask


def _guided_filter_reference(guide: np.ndarray, src: np.ndarray, r: int, eps: float) -> np.ndarray:
    """He et al.'s colour-guided filter written per window, windows clipped to the image."""
    h, w = src.shape

    def window(y: int, x: int) -> tuple[slice, slice]:
        return slice(max(0, y - r), min(h, y + r + 1)), slice(max(0, x - r), min(w, x + r + 1))

    a = np.zeros((h, w, 3))
    b = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            gi = guide[window(y, x)].reshape(-1, 3)
            pi = src[window(y, x)].reshape(-1)
            gc, pc = gi - gi.mean(0), pi - pi.mean()
            sigma = gc.T @ gc / len(pi)
            a[y, x] = np.linalg.solve(sigma + eps * np.eye(3), gc.T @ pc / len(pi))
            b[y, x] = pi.mean() - a[y, x] @ gi.mean(0)
    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            mean_a = a[window(y, x)].reshape(-1, 3).mean(0)
            out[y, x] = mean_a @ guide[y, x] + b[window(y, x)].mean()
    return out


def test_guided_filter_matches_closed_form_including_borders() -> None:
    rng = np.random.default_rng(0)
    guide = rng.random((13, 17, 3))
    src = rng.random((13, 17)) * 60 - 30  # a*/b*-like range
    expected = _guided_filter_reference(guide, src, 2, 0.01)
    np.testing.assert_allclose(guided_filter_color(guide, src, 2, 0.01), expected, atol=1e-9)
    both = guided_filter_color(guide, np.stack([src, -2 * src], -1), 2, 0.01)
    np.testing.assert_allclose(both[..., 1], -2 * expected, atol=1e-9)


def test_chrominance_denoising_keeps_lightness_and_smooths_chroma() -> None:
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    guide = np.stack([0.3 + 0.4 * xx, 0.4 + 0.2 * yy, 0.5 - 0.2 * xx], -1)
    noisy = np.clip(guide + rng.normal(0, 0.03, guide.shape), 0, 1).astype(np.float32)
    out = denoise_chrominance(noisy, guide.astype(np.float32))
    lab_in, lab_out, lab_clean = color.rgb2lab(noisy), color.rgb2lab(out), color.rgb2lab(guide)
    np.testing.assert_allclose(lab_out[..., 0], lab_in[..., 0], atol=0.05)
    noise_in = np.abs(lab_in[..., 1:] - lab_clean[..., 1:]).mean()
    noise_out = np.abs(lab_out[..., 1:] - lab_clean[..., 1:]).mean()
    assert noise_out < 0.5 * noise_in, (noise_in, noise_out)


def test_patch_match_of_an_image_to_itself_is_the_identity() -> None:
    image = np.random.default_rng(2).random((40, 50, 3)).astype(np.float32)
    matched = nearest_neighbour_field(image, image, seed=3)
    rows, cols = np.mgrid[0:34, 0:44]
    np.testing.assert_array_equal(matched.field[..., 0], rows)
    np.testing.assert_array_equal(matched.field[..., 1], cols)
    assert not matched.distance.any()
    np.testing.assert_allclose(vote(image, matched.field), image, atol=1e-6)


def test_patch_match_finds_a_shifted_crop_and_is_seeded() -> None:
    target = np.random.default_rng(4).random((60, 70, 3)).astype(np.float32)
    source = target[11:41, 23:58]
    first = nearest_neighbour_field(source, target, seed=5)
    expected = np.mgrid[0:24, 0:29].transpose(1, 2, 0) + np.array([11, 23])
    np.testing.assert_array_equal(first.field, expected)
    again = nearest_neighbour_field(source, target, seed=5)
    np.testing.assert_array_equal(first.field, again.field)


def test_patch_match_comes_close_to_exact_nearest_neighbours() -> None:
    rng = np.random.default_rng(6)
    source = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    target = rng.integers(0, 256, (26, 30, 3), dtype=np.uint8)
    matched = nearest_neighbour_field(source, target, seed=0)
    windows = np.lib.stride_tricks.sliding_window_view
    a = windows(source, (7, 7, 3)).reshape(14 * 18, -1).astype(np.int64)
    b = windows(target, (7, 7, 3)).reshape(20 * 24, -1).astype(np.int64)
    exact = ((a[:, None] - b[None]) ** 2).sum(-1).min(1)
    found = matched.distance.reshape(-1)
    ty, tx = matched.field[..., 0].reshape(-1), matched.field[..., 1].reshape(-1)
    np.testing.assert_array_equal(found, ((a - b[ty * 24 + tx]) ** 2).sum(-1))  # true SSDs
    assert found.mean() <= 1.05 * exact.mean()


def test_vote_averages_every_covering_patch() -> None:
    rng = np.random.default_rng(7)
    target = rng.random((12, 11, 3))
    field = np.stack([rng.integers(0, 6, (5, 4)), rng.integers(0, 5, (5, 4))], -1).astype(np.int32)
    total, count = np.zeros((11, 10, 3)), np.zeros((11, 10, 1))
    for y in range(5):
        for x in range(4):
            ty, tx = field[y, x]
            total[y : y + 7, x : x + 7] += target[ty : ty + 7, tx : tx + 7]
            count[y : y + 7, x : x + 7] += 1
    np.testing.assert_allclose(vote(target, field), total / count, atol=1e-6)


def test_a_weighted_vote_takes_each_pixel_mostly_from_the_patch_centred_on_it() -> None:
    rng = np.random.default_rng(9)
    target = rng.random((30, 30, 3))
    field = np.stack([rng.integers(0, 24, (10, 10)), rng.integers(0, 24, (10, 10))], -1).astype(np.int32)
    weights = np.exp(-((np.arange(7) - 3)[:, None] ** 2 + (np.arange(7) - 3)[None] ** 2) / (2 * 0.5**2)) + 1e-6
    total, count = np.zeros((16, 16, 3)), np.zeros((16, 16, 1))
    for y in range(10):
        for x in range(10):
            ty, tx = field[y, x]
            total[y : y + 7, x : x + 7] += weights[..., None] * target[ty : ty + 7, tx : tx + 7]
            count[y : y + 7, x : x + 7] += weights[..., None]
    weighted = vote(target, field, sigma=0.5)
    np.testing.assert_allclose(weighted, total / count, atol=1e-6)
    centres = np.array([[target[field[y, x, 0] + 3, field[y, x, 1] + 3] for x in range(10)] for y in range(10)])
    inner = weighted[3:13, 3:13]  # every pixel here is the centre of one patch
    assert np.abs(inner - centres).mean() < 0.5 * np.abs(vote(target, field)[3:13, 3:13] - centres).mean()
    assert np.array_equal(vote(target, field, sigma=0.0), vote(target, field))


def _random_scene(seed: int, shape: tuple[int, int], box: tuple[slice, slice]) -> tuple[np.ndarray, ...]:
    """A random painting and pass-2 result of (H, W) `shape`, and a tight mask that is 1 on `box`."""
    rng = np.random.default_rng(seed)
    painting = rng.random((*shape, 3)).astype(np.float32)
    result = rng.random((*shape, 3)).astype(np.float32)
    tight = np.zeros(shape, np.float32)
    tight[box] = 1.0
    return painting, result, tight


def test_outside_the_soft_mask_the_result_is_the_painting_exactly() -> None:
    painting, result, tight = _random_scene(8, (48, 56), (slice(18, 30), slice(20, 34)))
    final = postprocess(result, result, painting, tight, seed=0)
    outside = soft_mask(tight) == 0
    assert outside.mean() > 0.5
    np.testing.assert_array_equal(final[outside], painting[outside])
    assert np.abs(final - painting)[tight > 0].mean() > 0.05  # the inside did change
    assert final.dtype == np.float32 and final.min() >= 0 and final.max() <= 1


def test_the_result_depends_only_on_the_objects_neighbourhood() -> None:
    """The steps before the blend run on the soft mask's box grown by CROP_MARGIN (ours, for speed)."""
    painting, result, tight = _random_scene(9, (120, 160), (slice(20, 40), slice(20, 45)))
    far = result.copy()
    far[:, 45 + 6 + CROP_MARGIN :] = 0.5  # beyond the soft mask (3 + 3 px) and the margin
    first = postprocess(result, result, painting, tight, seed=3)
    np.testing.assert_array_equal(postprocess(far, far, painting, tight, seed=3), first)
    near = result.copy()
    near[30:35, 30:35] = 0.5  # inside the object: it is what is rebuilt
    assert np.abs(postprocess(near, near, painting, tight, seed=3) - first).max() > 0.1


def test_soft_mask_grows_then_feathers() -> None:
    tight = np.zeros((30, 30), np.float32)
    tight[15, 15] = 1.0
    mask = soft_mask(tight)
    assert mask[15, 15] == pytest.approx(1.0)  # 7x7 grown square fully covers the 7x7 blur
    assert mask[15, 21] > 0 and mask[15, 22] == 0  # reach: 3 px grown + 3 px feather


def test_mismatched_inputs_are_refused() -> None:
    image = np.zeros((20, 20, 3), np.float32)
    with pytest.raises(ValueError, match="resize"):
        postprocess(image, np.zeros((20, 21, 3), np.float32), image, np.zeros((20, 20), np.float32))
    with pytest.raises(ValueError, match="mask"):
        postprocess(image, image, image, np.zeros((21, 20), np.float32))


def test_brings_authors_pass2_closer_to_their_final_result(dph: Path) -> None:
    """Example 26 at its own 700 px: §5 is defined at that scale.

    At 200 px the test would be false: downsizing averages away the artefacts the step removes
    and a 200-px PatchMatch adds new painting texture (measured: worse on all 10 examples
    whose files are consistent). Examples 3, 6, 12 and 30 are unusable: their shipped
    final_res2 was made from a different pass-2 run (their low-pass images differ); see
    docs/design/postprocess.md.
    """
    # `dph` (tests/conftest.py) skips when ../shared is absent.
    result, naive = load_rgb(dph / "26_final_res.png"), load_rgb(dph / "26_naive.jpg")
    painting, authors = load_rgb(dph / "26_target.jpg"), load_rgb(dph / "26_final_res2.png")
    tight = load_mask(dph / "26_c_mask.jpg")
    final = postprocess(result, naive, painting, tight, seed=0)
    inside = tight > 0.5
    before = np.abs(result - authors)[inside].mean()
    after = np.abs(final - authors)[inside].mean()
    assert after < 0.8 * before, (before * 255, after * 255)


def test_vote_refuses_a_field_pointing_outside_the_target() -> None:
    field = np.zeros((3, 3, 2), np.int32)
    field[1, 1] = (4, 0)  # a 7x7 patch at row 4 needs 11 rows
    with pytest.raises(ValueError, match="outside"):
        vote(np.zeros((10, 10, 3)), field)
