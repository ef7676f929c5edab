"""The authors' post-processing of the pass-2 result, filt_cnn_artifact.m (docs/algorithm.md §5).

Steps: soft mask; chrominance denoising guided by the naive composite; PatchMatch of the result
to the painting and voting, which rebuilds it from painting pixels; re-adding the result's fine
detail; blending into the painting through the soft mask. Every filter zero-pads (MATLAB imfilter).

One departure, for speed (ours): the authors run every step on the whole image, although outside
the soft mask the final is the painting. Here the steps before the blend run on the soft mask's
box grown by CROP_MARGIN (what a pixel of the blend depends on), and the PatchMatch still
searches the whole painting; the result differs only by PatchMatch's random choices
(docs/design/performance.md, "The palette contrast, and the post-processing on the object's box").
"""

from __future__ import annotations

import logging
import time

import numpy as np

from harmonize.masks import gaussian_blur_zero_padded, grown_box
from harmonize.method.postprocess.chrominance import GUIDE_RADIUS, denoise_chrominance
from harmonize.method.postprocess.patch_match import PATCH_SIZE, nearest_neighbour_field, vote

logger = logging.getLogger(__name__)

SOFT_MASK_SIZE = 7  # filt_cnn_artifact.m: tr = 3, fspecial('gaussian', [2*tr+1 2*tr+1], tr)
SOFT_MASK_SIGMA = 3.0  # filt_cnn_artifact.m: sigma = tr
SOFT_MASK_THRESHOLD = 0.01  # filt_cnn_artifact.m: sM(sM > 0.01) = 1
DETAIL_SIZE = 7  # filt_cnn_artifact.m: r = 3, fspecial('gaussian', [2*r+1 2*r+1], r/3)
DETAIL_SIGMA = 1.0  # filt_cnn_artifact.m: sigma = r/3
# A blended pixel depends on the patches covering it (P - 1 px), each on its source patch (P - 1),
# that on the guided filter's two box filters (2 r), and on the detail's blur (size // 2).
CROP_MARGIN = 2 * (PATCH_SIZE - 1) + 2 * GUIDE_RADIUS + DETAIL_SIZE // 2


def soft_mask(tight_mask: np.ndarray) -> np.ndarray:
    """sM: blur (7x7, sigma 3), > 0.01 to 1 else 0, blur again; (H, W) float32 in [0, 1]."""
    blurred = gaussian_blur_zero_padded(tight_mask, SOFT_MASK_SIZE, SOFT_MASK_SIGMA)
    grown = (blurred > SOFT_MASK_THRESHOLD).astype(np.float32)
    return gaussian_blur_zero_padded(grown, SOFT_MASK_SIZE, SOFT_MASK_SIGMA)


def postprocess(
    result: np.ndarray,
    naive: np.ndarray,
    painting: np.ndarray,
    tight_mask: np.ndarray,
    seed: int = 0,
    vote_sigma: float = 0.0,
) -> np.ndarray:
    """Remove pass 2's high-frequency artefacts: the final image, (H, W, 3) float32 in [0, 1].

    result (pass 2), naive (composite) and painting: (H, W, 3) float RGB in [0, 1]; tight_mask:
    (H, W) float in [0, 1]. `seed` fixes PatchMatch's random choices (the authors' are unseeded).
    vote_sigma: the vote's Gaussian weights in px (patch_match.vote_weights); 0 is the authors' average.
    """
    shape = painting.shape
    if len(shape) != 3 or shape[2] != 3:
        raise ValueError(f"The painting must be an (H, W, 3) RGB image; got shape {shape}.")
    for name, image in (("pass-2 result", result), ("naive composite", naive)):
        if image.shape != shape:
            raise ValueError(f"The {name} is {image.shape} but the painting is {shape}; resize it first.")
    if tight_mask.shape != shape[:2]:
        raise ValueError(f"The tight mask is {tight_mask.shape} but the painting is {shape[:2]}.")

    started = time.perf_counter()
    mask = soft_mask(tight_mask)
    final = np.clip(painting, 0.0, 1.0).astype(np.float32)
    if not mask.any():
        return final
    box = grown_box(mask > 0, CROP_MARGIN)
    denoised = denoise_chrominance(result[box], naive[box])
    field = nearest_neighbour_field(denoised, painting, seed=seed).field
    rebuilt = vote(painting, field, sigma=vote_sigma)
    detail = denoised - gaussian_blur_zero_padded(denoised, DETAIL_SIZE, DETAIL_SIGMA)
    weight = mask[box][..., None]
    final[box] = np.clip(weight * (rebuilt + detail) + (1.0 - weight) * painting[box], 0.0, 1.0)
    logger.debug("post-processing took %.2f s", time.perf_counter() - started)
    return final
