"""Fit harmonize/method/tau_model.json to the authors' tau for the example paintings; print the LOO table.

    python -m scripts.calibrate_tau [--data ../shared/data/dph] [--write]   (from the repository root)

Reads N_target.jpg and tau.tsv, compares leave-one-out errors of the shipped two-feature model,
of the whole selection procedure (nested LOO over every candidate feature tried) and of the
constant predictor, and with --write saves the coefficients (never images) into the package.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage.color import rgb2hsv, rgb2lab

from harmonize.method.loss_weights import painting_noise
from harmonize.method.tau_estimator import FEATURES, MODEL_FILE, feature_image, fit_ridge, leave_one_out, save_model

log = logging.getLogger("calibrate_tau")

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dph"
SHIPPED = ("chroma", "lightness_contrast")  # the pair the estimator ships with
RIDGE = 1.0  # on standardised features: shrinks 2 weights fitted to 14 points, fixed a priori
DEFAULT_TAU = 5.0  # HarmonizeOptions.tau


def _gradient(image: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))


def _local_std(channel: np.ndarray, size: int = 7) -> np.ndarray:
    mean = cv2.blur(channel, (size, size))
    return np.sqrt(np.maximum(cv2.blur(channel * channel, (size, size)) - mean * mean, 0.0))


def _colour_shares(image: np.ndarray) -> np.ndarray:
    q = (image * 255).astype(np.uint8) >> 4  # 16 levels per channel
    codes = (q[..., 0].astype(int) << 8) | (q[..., 1].astype(int) << 4) | q[..., 2]
    return np.bincount(codes.ravel(), minlength=4096) / codes.size


def _entropy(shares: np.ndarray) -> float:
    p = shares[shares > 0]
    return float(-(p * np.log2(p)).sum())


def _hue_entropy(image: np.ndarray) -> float:
    hsv = rgb2hsv(image)
    counts = np.histogram(hsv[..., 0][hsv[..., 1] > 0.2], bins=36, range=(0, 1))[0].astype(float)
    return _entropy(counts / max(counts.sum(), 1.0))


def _colourfulness(image: np.ndarray) -> float:
    """Hasler & Suesstrunk (2003) colourfulness metric on RGB in [0, 1]."""
    rg = image[..., 0] - image[..., 1]
    yb = 0.5 * (image[..., 0] + image[..., 1]) - image[..., 2]
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


# Every feature tried while choosing SHIPPED; the nested LOO searches all of them again.
CANDIDATES = {
    **FEATURES,
    "saturation": lambda im: float(rgb2hsv(im)[..., 1].mean()),
    "saturation_p90": lambda im: float(np.percentile(rgb2hsv(im)[..., 1], 90)),
    "saturation_std": lambda im: float(rgb2hsv(im)[..., 1].std()),
    "local_saturation_contrast": lambda im: float(_local_std(rgb2hsv(im)[..., 1].astype(np.float32)).mean()),
    "edge_energy": lambda im: float(_gradient(im).mean()),
    "local_contrast": lambda im: float(_local_std(cv2.cvtColor(im, cv2.COLOR_RGB2GRAY)).mean()),
    "distinct_colours": lambda im: float((_colour_shares(im) > 0.001).sum()),
    "colour_entropy": lambda im: _entropy(_colour_shares(im)),
    "hue_entropy": _hue_entropy,
    "colourfulness": _colourfulness,
    "log_noise": lambda im: float(np.log(painting_noise(im) + 1e-7)),
    "high_frequency": lambda im: float(
        cv2.Laplacian(cv2.cvtColor(im, cv2.COLOR_RGB2GRAY), cv2.CV_32F).std() / (rgb2lab(im)[..., 0].std() / 100 + 1e-6)
    ),
}


@dataclass
class Calibration:
    """Per-painting LOO predictions and the summary errors (tau units)."""

    examples: list[int]
    tau: np.ndarray
    constant: np.ndarray  # LOO mean of the other 13
    shipped: np.ndarray  # LOO of the SHIPPED ridge model
    nested: np.ndarray  # LOO of "pick the best 1-2 candidate features by inner LOO, then fit"
    nested_picks: list[str]
    values: np.ndarray  # (N, len(SHIPPED)) shipped features of every painting

    def errors(self, predictions: np.ndarray) -> tuple[float, float]:
        """(MAE, RMSE) of `predictions` against tau."""
        residual = predictions - self.tau
        return float(np.abs(residual).mean()), float(np.sqrt((residual**2).mean()))


def load_examples(data_dir: Path) -> tuple[list[int], np.ndarray, list[np.ndarray]]:
    """Example ids, their tau and their paintings at the feature size."""
    with open(data_dir / "tau.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    examples = [int(row["example"]) for row in rows]
    tau = np.array([float(row["tau"]) for row in rows])
    images = [feature_image(np.asarray(Image.open(data_dir / f"{i}_target.jpg").convert("RGB"))) for i in examples]
    return examples, tau, images


def _mae(predictions: np.ndarray, tau: np.ndarray) -> float:
    return float(np.abs(predictions - tau).mean())


def nested_leave_one_out(table: np.ndarray, tau: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Outer LOO whose every fold re-runs the feature choice (inner LOO MAE over 1-2 features)."""
    subsets = [c for r in (1, 2) for c in itertools.combinations(range(len(names)), r)]
    n = len(tau)
    predictions, picks = np.empty(n), []
    for i in range(n):
        keep = np.arange(n) != i
        x, y = table[keep], tau[keep]
        best = min(subsets, key=lambda c: _mae(leave_one_out(tuple(names[j] for j in c), x[:, c], y, RIDGE), y))
        chosen = tuple(names[j] for j in best)
        picks.append("+".join(chosen))
        predictions[i] = fit_ridge(chosen, x[:, best], y, RIDGE).predict(table[i : i + 1, best])[0]
    return predictions, picks


def calibrate(data_dir: Path = DEFAULT_DATA) -> Calibration:
    """Compute every candidate feature and the three LOO predictors on the examples in `data_dir`."""
    examples, tau, images = load_examples(data_dir)
    names = list(CANDIDATES)
    table = np.array([[CANDIDATES[name](image) for name in names] for image in images])
    n = len(tau)
    constant = np.array([np.delete(tau, i).mean() for i in range(n)])
    columns = [names.index(name) for name in SHIPPED]
    shipped = leave_one_out(SHIPPED, table[:, columns], tau, RIDGE)
    nested, picks = nested_leave_one_out(table, tau, names)
    return Calibration(examples, tau, constant, shipped, nested, picks, table[:, columns])


def report(result: Calibration) -> str:
    """The LOO table and summary as plain text."""
    lines = ["example    tau  constant  shipped   nested  nested pick"]
    for k, example in enumerate(result.examples):
        lines.append(
            f"{example:7d} {result.tau[k]:6.2f} {result.constant[k]:9.2f} {result.shipped[k]:8.2f} "
            f"{result.nested[k]:8.2f}  {result.nested_picks[k]}"
        )
    fixed = np.full_like(result.tau, DEFAULT_TAU)
    for label, predictions in [
        ("constant (LOO mean)", result.constant),
        (f"constant {DEFAULT_TAU}", fixed),
        ("shipped model", result.shipped),
        ("nested selection", result.nested),
    ]:
        mae, rmse = result.errors(predictions)
        lines.append(f"{label:20s} MAE {mae:.3f}  RMSE {rmse:.3f}")
    for label, predictions in [("shipped model", result.shipped), ("nested selection", result.nested)]:
        wins = int((np.abs(predictions - result.tau) < np.abs(result.constant - result.tau)).sum())
        lines.append(f"{label} closer than the constant on {wins} of {len(result.tau)} paintings")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with tau.tsv and N_target.jpg")
    parser.add_argument("--write", action="store_true", help="save the fitted coefficients into the package")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.data / "tau.tsv").is_file():
        parser.error(f"{args.data} has no tau.tsv: pass --data with the examples folder.")
    result = calibrate(args.data)
    log.info(report(result))
    if args.write:
        model = fit_ridge(SHIPPED, result.values, result.tau, RIDGE)
        save_model(model)
        log.info("wrote %s: %s", MODEL_FILE, model)


if __name__ == "__main__":
    main()
