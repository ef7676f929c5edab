"""One harmonization's images and masks at one size: a level of the coarse-to-fine pyramid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from harmonize.masks import blurred_tight_mask, mask_pyramid
from harmonize.method.vgg import VGGFeatures, to_caffe
from harmonize.resize import resize_bilinear


@dataclass(frozen=True)
class Level:
    """The composite, painting and masks at one working size, in every form the passes use."""

    naive: np.ndarray  # (H, W, 3) RGB in [0, 1]
    painting: np.ndarray  # (H, W, 3) RGB in [0, 1]
    tight: np.ndarray  # (H, W) soft tight mask
    loose: np.ndarray  # (H, W) binary loose mask
    soft: np.ndarray  # T~ cut to the loose mask: the blending weight (docs/algorithm.md §3.5)
    masks: dict[str, np.ndarray]  # mask_pyramid of `loose`
    composite_c: torch.Tensor  # (1, 3, H, W) Caffe space
    painting_c: torch.Tensor  # (1, 3, H, W) Caffe space

    @property
    def shape(self) -> tuple[int, int]:
        """(H, W)."""
        return self.tight.shape

    def resized(self, height: int, width: int, net: VGGFeatures) -> Level:
        """This level bilinearly resized to (height, width); the loose mask stays binary."""
        loose = (resize_bilinear(self.loose, height, width) > 0.5).astype(np.float32)
        return make_level(
            resize_bilinear(self.naive, height, width),
            resize_bilinear(self.painting, height, width),
            resize_bilinear(self.tight, height, width),
            loose,
            net,
            self.composite_c.device,
        )


def make_level(
    naive: np.ndarray,
    painting: np.ndarray,
    tight: np.ndarray,
    loose: np.ndarray,
    net: VGGFeatures,
    device: torch.device,
) -> Level:
    """The Level of images and masks that already have one size."""
    # T~ is cut to the loose mask: the noisy JPEG masks of the paper otherwise leak faint
    # composite pixels everywhere (a deviation of at most the mask's noise level).
    soft = blurred_tight_mask(tight) * loose
    return Level(
        naive,
        painting,
        tight,
        loose,
        soft,
        mask_pyramid(loose, net.mask_plan()),
        to_caffe(naive, device),
        to_caffe(painting, device),
    )
