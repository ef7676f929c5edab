"""The likeness term: its gradient, and the low frequencies it puts back, on narrow parts too."""

import numpy as np
import torch

from harmonize.masks import gaussian_blur_zero_padded
from harmonize.method.likeness import (
    LIKENESS_WEIGHT,
    LUMA_BGR,
    LUMA_RGB,
    likeness_term,
    likeness_weight,
    low_pass,
    low_pass_sigma,
    narrow_parts,
    restore_low_frequencies,
)
from harmonize.method.loss_weights import pass2_weights


def test_the_gradient_is_the_gradient_of_the_value():
    gen = torch.Generator().manual_seed(0)
    target, x = torch.rand(1, 3, 20, 24, generator=gen), torch.rand(1, 3, 20, 24, generator=gen, dtype=torch.float64)
    mask = torch.zeros(20, 24)
    mask[5:15, 6:18] = 1.0
    evaluate = likeness_term(target.double(), mask.double(), sigma=2.0)
    value, grad = evaluate(x[0])
    x_auto = x.clone().requires_grad_(True)
    luma = torch.tensor(LUMA_BGR, dtype=torch.float64)[None, :, None, None]
    luminance = lambda im: (im * luma).sum(1, keepdim=True)  # noqa: E731
    residual = low_pass(luminance(x_auto), 2.0) - low_pass(luminance(target.double()), 2.0)
    energy = 0.5 * (mask.double()[None, None] ** 2 * residual.pow(2)).sum()
    energy.backward()
    assert np.isclose(value, float(energy))
    torch.testing.assert_close(grad, x_auto.grad[0])


def test_low_pass_matches_the_numpy_blur_used_after_post_processing():
    image = np.random.default_rng(1).random((16, 18, 3)).astype(np.float32)
    torch_blur = low_pass(torch.from_numpy(image).permute(2, 0, 1)[None], 2.0)[0].permute(1, 2, 0).numpy()
    np.testing.assert_allclose(torch_blur, gaussian_blur_zero_padded(image, 13, 2.0), atol=1e-5)


def test_restoring_keeps_the_fine_detail_and_moves_the_coarse_shading_back():
    rng = np.random.default_rng(2)
    naive = np.full((64, 64, 3), (0.9, 0.5, 0.1), np.float32)  # an orange object
    naive[:, 32:] *= 0.4  # with a shadow on its right half
    texture = 0.1 * rng.standard_normal((64, 64, 1)).astype(np.float32)
    ghost = np.clip(np.full((64, 64, 3), 0.7, np.float32) + texture, 0, 1)  # flat grey with brush texture
    mask = np.ones((64, 64), np.float32)
    assert restore_low_frequencies(ghost, naive, mask, 0.0) is ghost
    inner = (slice(16, 48), slice(16, 48))
    luminance = lambda im: im[inner] @ LUMA_RGB  # noqa: E731
    shaded = restore_low_frequencies(ghost, naive, mask, 1.0)
    np.testing.assert_allclose(luminance(shaded).mean(), luminance(naive).mean(), atol=0.03)
    left, right = luminance(shaded)[:, :8].mean(), luminance(shaded)[:, -8:].mean()
    assert left - right > 0.8 * (luminance(naive)[:, :8].mean() - luminance(naive)[:, -8:].mean())  # the shadow
    grey = shaded[inner].mean(axis=(0, 1))
    assert np.ptp(grey) < 0.05  # luminance only: the grey stays grey
    coloured = restore_low_frequencies(ghost, naive, mask, 1.0, chroma_share=1.0)
    np.testing.assert_allclose(
        coloured[inner][:, :8].mean(axis=(0, 1)), naive[inner][:, :8].mean(axis=(0, 1)), atol=0.03
    )
    restored = shaded
    fine = lambda im: im - gaussian_blur_zero_padded(im, 13, 2.0)  # noqa: E731
    assert np.corrcoef(fine(restored)[inner][..., 1].ravel(), fine(ghost)[inner][..., 1].ravel())[0, 1] > 0.9


def leg_and_body() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 700-px picture: a dark object (a 200-px body on a 6-px leg) on a light ground, its mask, and a faded result."""
    mask = np.zeros((300, 700), np.float32)
    mask[40:240, 100:300] = 1.0  # the body
    mask[240:290, 197:203] = 1.0  # the leg, 6 px wide
    naive = np.full((300, 700, 3), 0.9, np.float32)
    naive[mask > 0] = 0.1
    faded = np.where(mask[..., None] > 0, 0.8, 0.9).astype(np.float32)  # the object turned nearly ground
    return naive, mask, faded


def test_narrow_parts_are_the_leg_not_the_body():
    _, mask, _ = leg_and_body()
    narrow = narrow_parts(mask)
    assert narrow[250:285, 199:201].min() > 0.4  # the leg (its soft edge halves a part 6 px wide)
    assert narrow[60:220, 120:280].max() < 1e-3  # the body's inside (its corners, which no disc reaches, are narrow)
    assert narrow[mask == 0].max() == 0.0  # nothing outside the object


def test_on_a_narrow_part_the_restore_is_not_diluted_by_the_ground():
    naive, mask, faded = leg_and_body()
    plain = restore_low_frequencies(faded, naive, mask, 1.0)
    assert np.array_equal(restore_low_frequencies(faded, naive, mask, 1.0, narrow=0.0), plain)
    own = restore_low_frequencies(faded, naive, mask, 1.0, narrow=1.0)
    leg, body = (slice(255, 280), slice(199, 201)), (slice(100, 180), slice(160, 240))
    luminance = lambda im, where: float((im[where] @ LUMA_RGB).mean())  # noqa: E731
    assert luminance(plain, leg) > 0.5  # the plain low-pass averages the leg with the light ground
    assert luminance(own, leg) < min(0.4, luminance(plain, leg) - 0.2)  # over the object alone, more of its dark
    assert np.allclose(own[body], plain[body])  # the body is not a narrow part


def test_sigma_grows_with_the_working_size():
    assert low_pass_sigma((100, 80)) == 2.0 and low_pass_sigma((700, 500)) > low_pass_sigma((350, 250))


def test_the_likeness_weight_keeps_its_share_against_the_style_weight_on_every_painting():
    """Style and histogram weights grow with tau (docs/algorithm.md §4.1); likeness must too."""
    assert likeness_weight(0.0, 8.2) == 0.0
    assert likeness_weight(1.0, 1.0) == LIKENESS_WEIGHT
    for tau in (1.0, 4.2, 8.2):
        assert likeness_weight(0.5, tau) / pass2_weights(np.full((8, 8, 3), 0.5, np.float32), tau).style == 10.0
