"""Colour-aware matching: at 0 the authors' matching exactly; above 0 the object draws on passages of its own colour."""

from __future__ import annotations

import numpy as np
import torch

from harmonize.method.colour_matching import lab_map, match_with_colour
from harmonize.method.nearest_patches import match_summed_cosine


def test_zero_weight_is_the_authors_matching():
    generator = torch.Generator().manual_seed(0)
    query, target = torch.rand(8, 5, 6, generator=generator), torch.rand(8, 7, 9, generator=generator)
    q_lab, t_lab = torch.rand(3, 5, 6, generator=generator) * 100, torch.rand(3, 7, 9, generator=generator) * 100
    assert torch.equal(match_with_colour(query, target, q_lab, t_lab, 0.0), match_summed_cosine(query, target))


def test_the_object_draws_on_the_passage_of_its_own_colour_among_equal_features():
    # A target whose left and right halves have the same features but different colours.
    target = torch.ones(4, 5, 10)
    t_lab = torch.zeros(3, 5, 10)
    t_lab[0, :, :5], t_lab[0, :, 5:] = 30.0, 80.0  # dark left, light right
    query = torch.ones(4, 3, 3)
    q_lab = torch.zeros(3, 3, 3)
    q_lab[0] = 78.0  # a light object
    plain = match_summed_cosine(query, target)
    coloured = match_with_colour(query, target, q_lab, t_lab, 0.5)
    centre = 4  # the query's interior position: border rules leave it free
    assert int(plain[centre]) % 10 < 5  # ties keep the first in raster order: the dark half
    assert int(coloured[centre]) % 10 >= 5  # the colour term moves it to the light half


def test_lab_map_is_cielab_at_the_layers_size():
    white = np.ones((16, 24, 3), np.float32)
    lab = lab_map(white, (2, 3))
    assert lab.shape == (3, 2, 3) and torch.allclose(lab[0], torch.full((2, 3), 100.0), atol=0.01)
