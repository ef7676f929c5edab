"""The pass-2 style weight tau, estimated from plain colour statistics of the painting.

The paper's tau came from a CNN trained on wikiart that was never released (docs/algorithm.md §4.1).
This stands in for it with a ridge regression on two features, fitted to the authors' tau for
the 14 example paintings by scripts/calibrate_tau.py (figures and caveats: docs/design/tau.md):
expressive, brush-driven paintings are colourful with weak light/dark contrast, academic ones
the reverse.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from skimage.color import rgb2lab

TAU_MIN, TAU_MAX = 1.0, 10.0  # data/wikiart_output.txt spans 1.00-9.996 (docs/algorithm.md §4.1)
FEATURE_SIDE = 256  # features are measured at this longest side, so any working size agrees
MODEL_FILE = Path(__file__).with_name("tau_model.json")  # written by scripts/calibrate_tau.py


def feature_image(painting: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 or float in [0, 1] -> float32 RGB in [0, 1], longest side <= FEATURE_SIDE."""
    image = np.asarray(painting)
    if image.ndim != 3 or image.shape[2] < 3:
        raise ValueError(f"The painting must be an (H, W, 3) colour image, got shape {image.shape}.")
    image = image[..., :3]
    image = image.astype(np.float32) / 255.0 if image.dtype == np.uint8 else np.clip(image, 0.0, 1.0).astype(np.float32)
    h, w = image.shape[:2]
    scale = FEATURE_SIDE / max(h, w)
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return image


def mean_chroma(image: np.ndarray) -> float:
    """Mean CIELAB chroma sqrt(a*^2 + b*^2) of (H, W, 3) RGB in [0, 1]: 0 for grey, ~30 for vivid."""
    lab = rgb2lab(image)
    return float(np.hypot(lab[..., 1], lab[..., 2]).mean())


def lightness_contrast(image: np.ndarray) -> float:
    """Standard deviation of CIELAB L* (0-100) over (H, W, 3) RGB in [0, 1]."""
    return float(rgb2lab(image)[..., 0].std())


FEATURES = {"chroma": mean_chroma, "lightness_contrast": lightness_contrast}


def tau_features(painting: np.ndarray) -> dict[str, float]:
    """The model's features of an (H, W, 3) painting (uint8, or float in [0, 1])."""
    image = feature_image(painting)
    return {name: feature(image) for name, feature in FEATURES.items()}


@dataclass(frozen=True)
class TauModel:
    """tau = clip(intercept + sum_i weight_i (x_i - mean_i) / scale_i, 1, 10)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    ridge: float

    def predict(self, values: np.ndarray) -> np.ndarray:
        """(N, F) feature rows in `features` order -> (N,) tau in [1, 10]."""
        z = (np.asarray(values, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.clip(self.intercept + z @ np.asarray(self.weights), TAU_MIN, TAU_MAX)


def fit_ridge(features: tuple[str, ...], values: np.ndarray, tau: np.ndarray, ridge: float) -> TauModel:
    """Ridge regression of tau (N,) on standardised (N, F) features; the intercept is not shrunk."""
    x = np.asarray(values, dtype=np.float64)
    y = np.asarray(tau, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    if np.any(scale == 0):
        raise ValueError("A tau feature is constant over the calibration paintings: it cannot be fitted.")
    z = (x - mean) / scale
    weights = np.linalg.solve(z.T @ z + ridge * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return TauModel(
        features=tuple(features),
        mean=tuple(map(float, mean)),
        scale=tuple(map(float, scale)),
        weights=tuple(map(float, weights)),
        intercept=float(y.mean()),
        ridge=float(ridge),
    )


def leave_one_out(features: tuple[str, ...], values: np.ndarray, tau: np.ndarray, ridge: float) -> np.ndarray:
    """(N,) predictions, each from a model fitted without that painting."""
    n = len(tau)
    keep = ~np.eye(n, dtype=bool)
    fits = [fit_ridge(features, values[keep[i]], tau[keep[i]], ridge) for i in range(n)]
    return np.array([fit.predict(values[i : i + 1])[0] for i, fit in enumerate(fits)])


def save_model(model: TauModel, path: Path = MODEL_FILE) -> None:
    """Write the coefficients as JSON (no image data)."""
    path.write_text(json.dumps(asdict(model), indent=2) + "\n", encoding="utf-8")


@functools.lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> TauModel:
    """The calibrated coefficients shipped next to this module."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        fields: dict[str, Any] = {
            key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
        }
        model = TauModel(**fields)
    except (OSError, ValueError, TypeError) as error:
        raise ValueError(f"{path}: tau coefficients missing or damaged; rerun scripts/calibrate_tau.py.") from error
    unknown = set(model.features) - set(FEATURES)
    if unknown:
        raise ValueError(f"{path} uses unknown tau features {sorted(unknown)}; rerun scripts/calibrate_tau.py.")
    return model


def estimate_tau(painting: np.ndarray) -> float:
    """Style weight tau in [1, 10] for an (H, W, 3) painting (uint8, or float in [0, 1])."""
    model = load_model()
    values = tau_features(painting)
    return float(model.predict(np.array([[values[name] for name in model.features]]))[0])
