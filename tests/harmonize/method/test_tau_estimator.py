"""The tau estimator: the shipped formula, its features on known paintings, and docs/design/tau.md's figures."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from harmonize.method.tau_estimator import MODEL_FILE, estimate_tau, fit_ridge, load_model, tau_features
from tests.support.paths import DPH, REPO

DATA = DPH
DOC = REPO / "docs" / "design" / "tau.md"
# docs/design/tau.md, "Leave-one-out errors": (MAE, RMSE) in tau units
CLAIMED = {"constant": (2.933, 3.264), "shipped": (1.937, 2.701), "nested": (2.756, 3.303)}
TOLERANCE = 0.02  # JPEG decoders may differ in the last bit between Pillow builds
DOC_FORMULA = (3.85, 1.54, -0.91)  # docs/design/tau.md: tau = clip(3.85 + 1.54 z(chroma) - 0.91 z(contrast), 1, 10)


def test_shipped_coefficients_are_the_formula_the_doc_states() -> None:
    model = load_model()
    assert model.features == ("chroma", "lightness_contrast")
    assert (model.intercept, *model.weights) == pytest.approx(DOC_FORMULA, abs=0.005)


def test_prediction_follows_the_formula_and_clips_to_the_papers_range() -> None:
    model = load_model()
    mean, scale = np.array(model.mean), np.array(model.scale)
    intercept, chroma_weight, contrast_weight = DOC_FORMULA
    rows = np.array([mean, mean + [scale[0], 0.0], mean + [0.0, scale[1]], mean + [10 * scale[0], 0.0], [0.0, 100.0]])
    tau = model.predict(rows)
    assert tau[:3] == pytest.approx([intercept, intercept + chroma_weight, intercept + contrast_weight], abs=0.01)
    assert tau[3] == 10.0 and tau[4] == 1.0  # the authors' tau spans 1 to 10 (docs/algorithm.md §4.1)


def test_features_of_known_paintings() -> None:
    grey = np.full((40, 40, 3), 0.5, np.float32)
    black_and_white = np.zeros((40, 40, 3), np.float32)
    black_and_white[:, 20:] = 1.0  # L* 0 and 100 in equal parts: a spread of 50
    # Neutral greys have chroma 0 up to skimage's float32 Lab conversion (0.003 of ~30 for a vivid painting).
    assert tau_features(grey) == pytest.approx({"chroma": 0.0, "lightness_contrast": 0.0}, abs=0.01)
    assert tau_features(black_and_white) == pytest.approx({"chroma": 0.0, "lightness_contrast": 50.0}, abs=0.01)


def test_flat_grey_painting_gets_more_style_than_a_busy_black_and_white_one() -> None:
    """Equally colourless; low light/dark contrast goes with a high tau (docs/design/tau.md)."""
    grey = np.full((64, 64, 3), 0.5, np.float32)
    checker = np.kron((np.indices((8, 8)).sum(axis=0) % 2).astype(np.float32), np.ones((8, 8), np.float32))
    busy = np.repeat(checker[..., None], 3, axis=2)
    at_zero = float(load_model().predict(np.zeros((1, 2)))[0])  # both of the grey painting's features are 0
    assert estimate_tau(grey) == pytest.approx(at_zero, abs=0.01)
    assert estimate_tau(grey) > estimate_tau(busy) + 1.0


def test_vivid_soft_painting_gets_more_style_than_a_grey_high_contrast_one() -> None:
    vivid = np.zeros((64, 64, 3), np.float32)
    vivid[:, :32], vivid[:, 32:] = (0.9, 0.5, 0.1), (0.2, 0.5, 0.9)  # two saturated, similar-lightness hues
    grey = np.zeros((64, 64, 3), np.float32)
    grey[:, 32:] = 1.0  # black and white
    assert estimate_tau(vivid) > estimate_tau(grey) + 3.0


def test_features_agree_across_sizes_and_dtypes() -> None:
    rng = np.random.default_rng(2)
    small = cv2.GaussianBlur(rng.random((200, 300, 3), dtype=np.float32), (0, 0), 3)
    large = cv2.resize(small, (900, 600), interpolation=cv2.INTER_LINEAR)
    assert estimate_tau(large) == pytest.approx(estimate_tau(small), abs=0.1)
    as_uint8 = np.round(small * 255).astype(np.uint8)
    assert tau_features(as_uint8)["chroma"] == pytest.approx(tau_features(small)["chroma"], rel=0.01)


def test_damaged_coefficients_file_says_how_to_fix_it(tmp_path: Path) -> None:
    broken = tmp_path / "tau_model.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="rerun scripts/calibrate_tau.py"):
        load_model(broken)


def test_bad_painting_shape_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"\(H, W, 3\) colour image"):
        estimate_tau(np.zeros((10, 10), np.float32))


def _calibration_script():
    spec = importlib.util.spec_from_file_location("calibrate_tau", REPO / "scripts" / "calibrate_tau.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not DATA.is_dir(), reason=f"the paper's examples are not at {DATA} (../shared is absent)")
def test_leave_one_out_reproduces_the_doc_and_the_shipped_coefficients() -> None:
    script = _calibration_script()
    result = script.calibrate(DATA)
    figures = {"constant": result.constant, "shipped": result.shipped, "nested": result.nested}
    doc = DOC.read_text(encoding="utf-8")
    for name, (mae, rmse) in CLAIMED.items():
        measured = result.errors(figures[name])
        assert measured == pytest.approx((mae, rmse), abs=TOLERANCE), name
        assert f"{mae:.2f}" in doc and f"{rmse:.2f}" in doc, f"docs/design/tau.md does not state the {name} figures"
    refit = fit_ridge(script.SHIPPED, result.values, result.tau, script.RIDGE)
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert np.allclose(refit.weights, shipped["weights"], atol=1e-3)
    assert np.allclose(refit.mean, shipped["mean"], atol=1e-3)
