"""The consistent-mapping refinement obeys refineNNF's rule (docs/algorithm.md §4.2 steps 3-4)."""

import numpy as np

from harmonize.method.consistent_mapping import flat_to_yx, refine_mapping, ring_hits


def brute_refine(mapping, guide, active):
    """refineNNF transcribed loop by loop from the spec."""
    h, w = active.shape
    hg, wg = guide.shape[:2]
    out = mapping.copy()
    for py in range(h):
        for px in range(w):
            if not active[py, px]:
                continue
            best, best_cost = None, np.inf
            for dx in range(-2, 3):
                for dy in range(-2, 3):
                    ny, nx = py + dy, px + dx
                    if not (0 <= ny < h and 0 <= nx < w):
                        continue
                    qy, qx = mapping[ny, nx, 0] - dy, mapping[ny, nx, 1] - dx
                    if not (2 <= qx <= wg - 4 and 2 <= qy <= hg - 4):
                        continue
                    dists = []
                    for ex in range(-2, 3):
                        for ey in range(-2, 3):
                            my, mx = py + ey, px + ex
                            if not (0 <= my < h and 0 <= mx < w):
                                continue
                            oy, ox = mapping[my, mx, 0] - ey, mapping[my, mx, 1] - ex
                            if 0 <= oy < hg and 0 <= ox < wg:
                                dists.append(np.linalg.norm(guide[qy, qx] - guide[oy, ox]))
                    cost = np.mean(dists) if dists else np.inf
                    if cost < best_cost:
                        best, best_cost = (qy, qx), cost
            if best is not None:
                out[py, px] = best
    return out


def test_refinement_equals_the_rule_on_random_fields():
    rng = np.random.default_rng(0)
    h, w, hg, wg = 7, 8, 10, 11
    mapping = np.stack([rng.integers(0, hg, (h, w)), rng.integers(0, wg, (h, w))], axis=-1)
    guide = rng.random((hg, wg, 3))
    active = rng.random((h, w)) > 0.4
    np.testing.assert_array_equal(refine_mapping(mapping, guide, active), brute_refine(mapping, guide, active))


def test_an_outlier_takes_the_shift_its_neighbours_agree_on():
    h, w = 9, 9
    ys, xs = np.mgrid[0:h, 0:w]
    mapping = np.stack([ys + 3, xs + 4], axis=-1)  # a coherent shift by (3, 4)
    mapping[4, 4] = (0, 0)  # one outlier
    rng = np.random.default_rng(1)
    guide = rng.random((20, 20, 3))
    active = np.zeros((h, w), bool)
    active[4, 4] = True
    refined = refine_mapping(mapping, guide, active)
    assert tuple(refined[4, 4]) == (7, 8)
    assert (refined[~active] == mapping[~active]).all()


def test_ring_hits_marks_each_match_and_its_neighbours():
    mapping = np.zeros((2, 2, 2), int)
    mapping[0, 0] = (3, 3)
    mapping[1, 1] = (0, 0)
    active = np.array([[True, False], [False, True]])
    hits = ring_hits(mapping, active, (6, 6))
    expected = np.zeros((6, 6))
    expected[2:5, 2:5] = 1
    expected[0:2, 0:2] = 1
    np.testing.assert_array_equal(hits, expected)


def test_flat_indices_become_yx():
    got = flat_to_yx(np.array([0, 5, 7, 11]), (2, 2), 4)
    np.testing.assert_array_equal(got.reshape(-1, 2), [[0, 0], [1, 1], [1, 3], [2, 3]])
