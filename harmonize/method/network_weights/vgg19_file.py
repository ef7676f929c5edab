"""A user-supplied VGG-19: Keras `.h5` (Keras 2 or 3 layout) or torchvision `.pth` state dict."""

from __future__ import annotations

import re
from pathlib import Path

import h5py
import numpy as np
import torch

from harmonize.method.vgg import ConvWeights, conv_names

VGG19_CONVS = conv_names("vgg19")


def _natural_key(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _keras_kernels(h5: h5py.File) -> list[tuple[np.ndarray, np.ndarray]]:
    """(kernel, bias) pairs of every 3x3 conv in the file, in network order."""
    root = h5["model_weights"] if "model_weights" in h5 else h5
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    if "layer_names" in root.attrs:  # Keras 2: ordered layer names, datasets kernel:0 / bias:0
        for raw in root.attrs["layer_names"]:
            name = raw.decode() if isinstance(raw, bytes) else str(raw)
            group = root[name]
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs.get("weight_names", [])]
            arrays = [np.asarray(group[n]) for n in names]
            if len(arrays) == 2 and arrays[0].ndim == 4:
                pairs.append((arrays[0], arrays[1]))
        return pairs
    found: list[tuple[str, h5py.Dataset]] = []  # Keras 3: .../vars/0 (kernel) and vars/1 (bias)
    root.visititems(lambda name, obj: found.append((name, obj)) if isinstance(obj, h5py.Dataset) else None)
    kernels = sorted((n for n, d in found if d.ndim == 4 and d.shape[:2] == (3, 3)), key=_natural_key)
    datasets = dict(found)
    for name in kernels:
        bias = name.rsplit("/", 1)[0] + "/1"
        pairs.append((np.asarray(datasets[name]), np.asarray(datasets[bias])))
    return pairs


def read_keras_vgg19(path: Path) -> dict[str, ConvWeights]:
    """VGG-19 conv weights from a Keras `.h5` file (input: Caffe BGR minus mean)."""
    with h5py.File(path, "r") as h5:
        pairs = _keras_kernels(h5)
    if len(pairs) != len(VGG19_CONVS):
        raise ValueError(f"{path} holds {len(pairs)} 3x3 convs; a VGG-19 has {len(VGG19_CONVS)}.")
    return {
        name: ConvWeights(weight=np.asarray(k, np.float32).transpose(3, 2, 0, 1), bias=np.asarray(b, np.float32))
        for name, (k, b) in zip(VGG19_CONVS, pairs, strict=True)
    }


def read_torchvision_vgg19(path: Path) -> dict[str, ConvWeights]:
    """VGG-19 conv weights from a torchvision state dict (`features.N.weight`; RGB input)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    indices = sorted(
        int(m.group(1))
        for key, value in state.items()
        if (m := re.fullmatch(r"features\.(\d+)\.weight", key)) and value.ndim == 4
    )
    if len(indices) != len(VGG19_CONVS):
        raise ValueError(f"{path} holds {len(indices)} convs under features.*; a VGG-19 has {len(VGG19_CONVS)}.")
    return {
        name: ConvWeights(
            weight=state[f"features.{i}.weight"].float().numpy(), bias=state[f"features.{i}.bias"].float().numpy()
        )
        for name, i in zip(VGG19_CONVS, indices, strict=True)
    }
