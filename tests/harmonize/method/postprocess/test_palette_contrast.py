"""Parts left in their ground's colour are moved to another of the painting's colours (issue 23)."""

import numpy as np
import pytest
from skimage.color import lab2rgb, rgb2lab

from harmonize import HarmonizeOptions
from harmonize.method.postprocess.palette_contrast import (
    MAX_MOVE_DE,
    SEPARATION_DE,
    contrast_offset,
    painting_palette,
    shift_colours,
)

H, W = 120, 180
BOX = (slice(40, 80), slice(30, 70))  # the object, inside the ground


def lab_image(
    *areas: tuple[tuple[slice, slice], tuple[float, float, float]],
    ground: tuple[float, float, float] = (72.0, 2.0, 12.0),
) -> np.ndarray:
    """(H, W, 3) RGB in [0, 1]: a ground (by default light beige, dE 27 from WHITE) with CIELAB areas on it."""
    lab = np.empty((H, W, 3))
    lab[...] = ground
    for box, colour in areas:
        lab[box] = colour
    return np.clip(lab2rgb(lab), 0.0, 1.0).astype(np.float32)


DARK = ((slice(0, H), slice(130, 155)), (30.0, 15.0, 25.0))  # a dark brown passage, 14 % of the painting
WHITE = ((slice(0, H), slice(155, W)), (97.0, 0.0, 3.0))  # a white one, nearer the objects below than the brown
TINY_DARK = ((slice(0, 18), slice(162, W)), (30.0, 15.0, 25.0))  # 1.5 % of the painting: in its value range, under 2 %


def tight() -> np.ndarray:
    mask = np.zeros((H, W), np.float32)
    mask[BOX] = 1.0
    return mask


def object_lab(offset: np.ndarray) -> np.ndarray:
    return offset[BOX][10:-10, 10:-10].reshape(-1, 3).mean(0)


def test_a_part_in_its_grounds_colour_moves_darker_towards_the_paintings_own_dark_on_a_light_ground():
    painting = lab_image(DARK, WHITE)
    final = lab_image(DARK, WHITE, (BOX, (68.0, 3.0, 10.0)))  # 4.6 dE from its ground: a ghost
    offset = contrast_offset(final, painting, tight())
    move = object_lab(offset)
    assert move[0] < -5, move  # darker: the white is not used on a light ground (it glows there)
    assert np.linalg.norm(offset, axis=2).max() <= MAX_MOVE_DE + 1e-3
    assert np.all(offset[:, 100:] == 0)  # nothing outside the object and its blur
    ground = rgb2lab(painting)[BOX].reshape(-1, 3).mean(0)
    moved = rgb2lab(final)[BOX][10:-10, 10:-10].reshape(-1, 3).mean(0) + move
    assert np.linalg.norm(moved - ground) >= SEPARATION_DE - 2  # just far enough to stand apart


def test_on_a_mid_dark_ground_a_part_still_goes_darker_though_a_lighter_colour_is_nearer():
    brown = (38.0, 10.0, 20.0)  # below the middle of this painting's values, above its darkest quarter
    tan = ((slice(0, H), slice(130, 155)), (64.0, 8.0, 18.0))  # dE 26 from the ground, 24 from the part
    black = ((slice(0, H), slice(155, W)), (15.0, 5.0, 5.0))  # dE 32 from the part
    painting = lab_image(tan, black, ground=brown)
    final = lab_image(tan, black, (BOX, (41.0, 12.0, 22.0)), ground=brown)
    assert object_lab(contrast_offset(final, painting, tight()))[0] < -5  # a lighter repaint reads as a haze


def test_on_the_paintings_darkest_ground_a_part_may_go_lighter():
    night = (20.0, 5.0, 5.0)
    grey = ((slice(0, H), slice(130, W)), (60.0, 0.0, 0.0))
    painting = lab_image(grey, ground=night)
    final = lab_image(grey, (BOX, (23.0, 5.0, 5.0)), ground=night)
    assert object_lab(contrast_offset(final, painting, tight()))[0] > 5


def test_a_part_that_stands_apart_from_its_ground_is_left_alone():
    painting = lab_image(DARK, WHITE)
    final = lab_image(DARK, WHITE, (BOX, (50.0, 60.0, 45.0)))  # a red object on the beige ground
    assert not contrast_offset(final, painting, tight()).any()


def test_deep_inside_a_large_object_the_ground_is_the_nearest_painting_around_it_not_black():
    big = (slice(5, 115), slice(5, 125))  # farther inside than the ground's average reaches
    dark = (20.0, 5.0, 5.0)  # dE 53 from the beige ground, 21 from black
    painting = lab_image(DARK, WHITE)
    final = lab_image(DARK, WHITE, (big, dark))
    mask = np.zeros((H, W), np.float32)
    mask[big] = 1.0
    assert not contrast_offset(final, painting, mask).any()


def test_with_no_colour_of_the_painting_apart_from_the_ground_but_a_lighter_or_a_rare_one_the_part_stays():
    painting = lab_image(WHITE, TINY_DARK)
    final = lab_image(WHITE, TINY_DARK, (BOX, (75.0, 3.0, 10.0)))
    assert not contrast_offset(final, painting, tight()).any()


def test_the_palette_finds_the_paintings_colours_with_their_shares():
    centres, shares = painting_palette(lab_image(DARK, WHITE))
    dark = np.linalg.norm(centres - np.array(DARK[1], np.float32), axis=1).argmin()
    assert np.linalg.norm(centres[dark] - np.array(DARK[1])) < 2
    assert shares[np.linalg.norm(centres - centres[dark], axis=1) < 2].sum() == pytest.approx(25 / W, abs=0.02)


def test_shifting_keeps_unmoved_pixels_and_the_paintings_value_range():
    painting = lab_image(DARK, WHITE)
    image = lab_image((BOX, (60.0, 0.0, 0.0)))
    offset = np.zeros((H, W, 3), np.float32)
    offset[BOX] = (-60.0, 0.0, 0.0)  # would go below the painting's darkest
    shifted = shift_colours(image, offset, painting)
    np.testing.assert_array_equal(shifted[:, 100:], image[:, 100:])
    assert rgb2lab(shifted)[BOX][..., 0].min() >= np.percentile(rgb2lab(painting)[..., 0], 1) - 0.5


def test_the_engine_repaints_only_the_final_and_only_with_the_option(harmonizer):
    painting = lab_image(DARK, WHITE)
    naive = lab_image(DARK, WHITE, (BOX, (68.0, 3.0, 10.0)))
    options = HarmonizeOptions(size=W, iters1=2, iters2=3, post=True, likeness=0.5, vote_sigma=0.5)
    plain = harmonizer.run(painting, naive, tight(), None, options)
    moved = harmonizer.run(painting, naive, tight(), None, options.replace(palette_contrast=1.0))
    np.testing.assert_array_equal(moved.pass2, plain.pass2)
    assert plain.final is not None and moved.final is not None
    inside = rgb2lab(moved.final)[BOX][..., 0].mean() - rgb2lab(plain.final)[BOX][..., 0].mean()
    assert inside < -3, inside  # the object stands apart from its light ground, darker
    np.testing.assert_allclose(moved.final[:, 110:], plain.final[:, 110:], atol=1e-6)
