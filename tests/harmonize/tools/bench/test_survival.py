"""The survives measure on synthetic scenes: a solid painted-in object passes, a see-through one fails."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from harmonize.masks import dilate_mask
from harmonize.tools.bench.survival import (
    gradient_alignment,
    ring_contrast,
    surrounding_ring,
    survival,
)

SIZE = 160


def painting() -> np.ndarray:
    """(SIZE, SIZE, 3) in [0, 1]: blue and pale-yellow diagonal brush stripes over a slow blue-green wash."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    stripes = 0.5 + 0.5 * np.sin((x + 0.6 * y) * 2 * np.pi / 11.0)
    wash = 0.5 + 0.5 * np.sin(x / 40.0) * np.cos(y / 55.0)
    blue, pale = np.array([0.15, 0.25, 0.6]), np.array([0.85, 0.8, 0.55])
    image = (stripes[..., None] * pale + (1 - stripes[..., None]) * blue) * (0.75 + 0.25 * wash[..., None])
    return image.astype(np.float32)


def scene():
    """The painting, an orange disc with its own shading and a dark band pasted in it, and the masks."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    r = np.hypot(x - SIZE / 2, y - SIZE / 2)
    tight = np.clip(44.5 - r, 0.0, 1.0).astype(np.float32)  # radius 44 px, 1 px soft edge
    shading = 0.6 + 0.4 * (x - SIZE / 2 + 44) / 88
    obj = np.array([0.95, 0.5, 0.15]) * np.clip(shading, 0, 1)[..., None]
    obj[np.abs(y - SIZE / 2 - 10) < 5] *= 0.3  # a dark band across the disc
    base = painting()
    naive = (tight[..., None] * obj + (1 - tight[..., None]) * base).astype(np.float32)
    return base, naive, tight, dilate_mask(tight)


def painted_in(naive: np.ndarray, base: np.ndarray, tight: np.ndarray) -> np.ndarray:
    """The object a quarter of the way to the painting's mean colour, with fine brush noise of its own."""
    noise = np.random.default_rng(0).normal(0.0, 0.04, naive.shape)
    moved = 0.75 * naive + 0.25 * base.reshape(-1, 3).mean(axis=0) + noise
    return np.clip(np.where(tight[..., None] > 0, moved, naive), 0, 1).astype(np.float32)


def see_through(naive: np.ndarray, base: np.ndarray, tight: np.ndarray, opacity: float) -> np.ndarray:
    """The object alpha-blended into the painting at `opacity`."""
    a = opacity * tight[..., None]
    return (a * naive + (1 - a) * base).astype(np.float32)


def test_the_naive_paste_itself_is_perfectly_kept():
    base, naive, tight, loose = scene()
    m = survival(naive, naive, base, tight, loose)
    assert m.shape == pytest.approx(1.0) and m.contrast == pytest.approx(1.0) and m.show_through == pytest.approx(0.0)
    assert m.survives


def test_a_solid_object_painted_in_survives():
    base, naive, tight, loose = scene()
    m = survival(painted_in(naive, base, tight), naive, base, tight, loose)
    assert m.survives, m


def test_an_object_blended_half_into_the_painting_does_not_survive():
    base, naive, tight, loose = scene()
    solid = survival(painted_in(naive, base, tight), naive, base, tight, loose)
    ghost = survival(see_through(naive, base, tight, 0.5), naive, base, tight, loose)
    assert not ghost.survives, ghost
    assert ghost.contrast < solid.contrast and ghost.show_through > solid.show_through + 0.3


def test_every_part_falls_as_the_object_fades():
    base, naive, tight, loose = scene()
    fading = [survival(see_through(naive, base, tight, a), naive, base, tight, loose) for a in (0.9, 0.6, 0.3, 0.0)]
    for stronger, weaker in pairwise(fading):
        assert weaker.shape < stronger.shape and weaker.contrast < stronger.contrast
        assert weaker.show_through > stronger.show_through
    assert fading[-1].contrast < 0.1  # gone: the object's place has the ring's colour


def test_gradient_alignment_sees_the_paintings_strokes_only():
    base, naive, tight, _ = scene()
    inside = tight > 0.5
    assert gradient_alignment(base, base, inside) == pytest.approx(1.0)
    assert abs(gradient_alignment(naive, base, inside)) < 0.1  # the disc's own shading is unrelated


def test_ring_lies_outside_the_harmonized_region_and_scales_with_the_object():
    base, naive, tight, loose = scene()
    inside, harmonized = tight > 0.5, loose > 0.5
    ring = surrounding_ring(inside, harmonized)
    assert ring.any() and not (ring & harmonized).any()
    small = surrounding_ring(inside[::2, ::2], harmonized[::2, ::2])
    assert small.sum() < ring.sum() / 2
    assert ring_contrast(naive, inside, ring) > 20  # orange on blue-yellow: far apart in CIELAB


def test_contrast_is_left_out_when_the_paste_matches_its_surroundings():
    base, naive, tight, loose = scene()
    m = survival(see_through(base, base, tight, 1.0), base, base, tight, loose)  # "object" = the painting itself
    assert math.isnan(m.contrast)


def test_a_solid_painted_in_object_is_typical_and_a_ghost_is_not():
    base, naive, tight, loose = scene()
    assert survival(painted_in(naive, base, tight), naive, base, tight, loose).typical
    assert not survival(see_through(naive, base, tight, 0.7), naive, base, tight, loose).typical


def test_the_authors_results_on_the_shared_examples_all_survive(dph):
    """The verdict's calibration (docs/design/solid-objects.md): every pass 2 and final of the authors'."""
    from harmonize.tools.bench.authors_survival import authors_examples, authors_survival

    examples = authors_examples(dph)
    assert len(examples) == 14
    failing = [(e, stage, m) for e in examples for stage, m in authors_survival(dph, e).items() if not m.survives]
    assert not failing
