"""Patch matching equals a brute-force transcription of the authors' kernels on tiny features."""

import numpy as np
import torch

from harmonize.method.nearest_patches import match_cosine, match_summed_cosine

OFFSETS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


def inside(y, x, h, w):
    return 0 <= y < h and 0 <= x < w


def brute_cosine(a, b):
    """docs/algorithm.md §3.1, literally: norms over the offsets where both patches are inside."""
    _, ha, wa = a.shape
    _, hb, wb = b.shape
    best = []
    for py in range(ha):
        for px in range(wa):
            scores = []
            for qy in range(hb):
                for qx in range(wb):
                    dot = na = nb = 0.0
                    for dy, dx in OFFSETS:
                        if inside(py + dy, px + dx, ha, wa) and inside(qy + dy, qx + dx, hb, wb):
                            u, v = a[:, py + dy, px + dx], b[:, qy + dy, qx + dx]
                            dot += float(u @ v)
                            na += float(u @ u)
                            nb += float(v @ v)
                    scores.append(dot / (np.sqrt(na) * np.sqrt(nb) + 1e-9))
            best.append(int(np.argmax(scores)))
    return np.array(best)


def brute_summed_cosine(a, b):
    """docs/algorithm.md §4.2 step 2, literally, with the border rule."""
    _, ha, wa = a.shape
    _, hb, wb = b.shape
    an = a / (np.linalg.norm(a, axis=0, keepdims=True) + 1e-8)
    bn = b / (np.linalg.norm(b, axis=0, keepdims=True) + 1e-8)
    best = []
    for py in range(ha):
        for px in range(wa):
            scores = []
            for qy in range(hb):
                for qx in range(wb):
                    ok = all(
                        [
                            qx != 0 or px == 0,
                            qx != wb - 1 or px == wa - 1,
                            qy != 0 or py == 0,
                            qy != hb - 1 or py == ha - 1,
                        ]
                    )
                    s = sum(
                        float(an[:, py + dy, px + dx] @ bn[:, qy + dy, qx + dx])
                        for dy, dx in OFFSETS
                        if inside(py + dy, px + dx, ha, wa) and inside(qy + dy, qx + dx, hb, wb)
                    )
                    scores.append(s if ok else -np.inf)
            best.append(int(np.argmax(scores)))
    return np.array(best)


def test_pass1_matching_equals_brute_force():
    rng = np.random.default_rng(0)
    a = np.abs(rng.normal(size=(5, 6, 7))).astype(np.float32)  # post-ReLU-like
    b = np.abs(rng.normal(size=(5, 5, 8))).astype(np.float32)
    got = match_cosine(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    np.testing.assert_array_equal(got, brute_cosine(a.astype(np.float64), b.astype(np.float64)))


def test_pass1_matching_of_selected_rows():
    rng = np.random.default_rng(1)
    a = np.abs(rng.normal(size=(4, 5, 5))).astype(np.float32)
    b = np.abs(rng.normal(size=(4, 6, 6))).astype(np.float32)
    rows = torch.tensor([0, 7, 12, 24])
    full = match_cosine(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    np.testing.assert_array_equal(match_cosine(torch.from_numpy(a), torch.from_numpy(b), rows=rows).numpy(), full[rows])


def test_pass1_finds_a_copied_patch():
    rng = np.random.default_rng(2)
    b = np.abs(rng.normal(size=(8, 9, 9))).astype(np.float32)
    a = b[:, 2:7, 3:8].copy()  # the query is a window of the target
    got = match_cosine(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    assert got[2 * 5 + 2] == (2 + 2) * 9 + (3 + 2)  # the interior centre maps to its source


def test_pass2_matching_equals_brute_force_with_border_rule():
    rng = np.random.default_rng(3)
    a = np.abs(rng.normal(size=(6, 5, 6))).astype(np.float32)
    b = np.abs(rng.normal(size=(6, 6, 5))).astype(np.float32)
    got = match_summed_cosine(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    np.testing.assert_array_equal(got, brute_summed_cosine(a.astype(np.float64), b.astype(np.float64)))
