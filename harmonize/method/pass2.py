"""Pass 2: refinement with a spatially consistent mapping (docs/algorithm.md §4, neural_paint.lua).

One mapping at relu4_1 from the pass-1 result to the painting, made consistent with its
neighbours and spread to a hit set; the painting's features over that hit set give the Gram
and histogram targets at every layer. Every node L2-normalises its gradient and weighs it by
tau and the painting's noise level.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import torch

from harmonize.method.colour_matching import lab_map, match_with_colour
from harmonize.method.consistent_mapping import flat_to_yx, refine_mapping, ring_hits
from harmonize.method.loss_weights import Pass2Weights
from harmonize.method.losses.content_loss import pass2_content
from harmonize.method.losses.gradient_node import LossNode, chain_nodes
from harmonize.method.losses.gram import masked_gram
from harmonize.method.losses.histogram_loss import MASK_THRESHOLD, build_target, histogram_gradient
from harmonize.method.losses.style_loss import pass2_style
from harmonize.method.losses.total_variation import tv_gradient, tv_value
from harmonize.method.nearest_patches import match_summed_cosine
from harmonize.method.optimize import LOSS_RISE, run_lbfgs
from harmonize.method.precision import Precision, network_precision
from harmonize.method.vgg import VGGFeatures
from harmonize.resize import resize_bilinear, resize_simple
from harmonize.stage_timer import StageTimer

REFERENCE_LAYER = "relu4_1"  # matching and content layer (docs/algorithm.md §2 table, §7)
STYLE_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")  # §2 table, pass 2
HISTOGRAM_LAYERS = ("relu1_1", "relu4_1")  # §2 table, pass 2
TIGHT_THRESHOLD = 0.1  # T4 = simple downsample of [M_t > 0.1] (§4.2 step 3)
LEARNING_RATE = 0.1  # neural_paint.lua (§4.4)
NO_EARLY_STOP = -1.0  # tolX = tolFun = -1 (§4.4)


def reference_active(tight_mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """T_4: "simple" downsample of [M_t > 0.1] to the reference layer's (H_4, W_4) (§4.2 step 3)."""
    active = resize_simple((tight_mask > TIGHT_THRESHOLD).astype(np.float32), *size) > 0.5
    if not active.any():  # an object smaller than one relu4_1 cell: use the cell that holds it
        small = resize_bilinear(tight_mask, *size)
        active = small >= small.max()
    return active


def hit_masks(
    pass1_feats: torch.Tensor,
    painting_feats: torch.Tensor,
    painting_rgb: np.ndarray,
    active: np.ndarray,
    layer_sizes: dict[str, tuple[int, int]],
    object_rgb: np.ndarray | None = None,
    colour_match: float = 0.0,
) -> dict[str, np.ndarray]:
    """U_l for every style layer: the consistent mapping's hit set, upsampled "simple" (§4.2).

    pass1_feats (C, H4, W4) at the positions `active` (H4, W4) describes; painting_feats
    (C, H4', W4') of the whole painting, whose layer sizes `layer_sizes` gives. With colour_match
    > 0 (ours, harmonize.method.colour_matching), object_rgb (H, W, 3) in [0, 1], the naive paste over
    the same area as pass1_feats, adds its colour distance to the painting's to the score.
    """
    _, h4, w4 = pass1_feats.shape
    if colour_match > 0 and object_rgb is not None:
        query_lab = lab_map(object_rgb, (h4, w4))
        target_lab = lab_map(painting_rgb, (painting_feats.shape[1], painting_feats.shape[2]))
        nearest = match_with_colour(pass1_feats, painting_feats, query_lab, target_lab, colour_match).cpu().numpy()
    else:
        nearest = match_summed_cosine(pass1_feats, painting_feats).cpu().numpy()
    mapping = flat_to_yx(nearest, (h4, w4), painting_feats.shape[2])
    guide = resize_bilinear(painting_rgb, *painting_feats.shape[1:])
    refined = refine_mapping(mapping, guide, active)
    hits = ring_hits(refined, active, (painting_feats.shape[1], painting_feats.shape[2]))
    return {layer: resize_simple(hits, *layer_sizes[layer]) for layer in STYLE_LAYERS}


def build_pass2_nodes(
    net: VGGFeatures,
    composite: torch.Tensor,
    style_feats: dict[str, torch.Tensor],
    hits: dict[str, torch.Tensor],
    masks: dict[str, torch.Tensor],
    weights: Pass2Weights,
) -> dict[str, list[LossNode]]:
    """Loss nodes per layer in forward order: content, style, histogram (§4.3).

    style_feats: the whole painting's features (painting_features.painting_features).
    """
    with torch.inference_mode():
        content_target = net.run(composite, stop_at=REFERENCE_LAYER)[REFERENCE_LAYER][0] * masks[REFERENCE_LAYER]
    nodes: dict[str, list[LossNode]] = {layer: [] for layer in STYLE_LAYERS}
    m4 = masks[REFERENCE_LAYER]
    nodes[REFERENCE_LAYER].append(
        LossNode(
            "content",
            partial(pass2_content, target=content_target.clone(), mask=m4),
            m4[None, None],
            weight=weights.content * net.weight_scales.pass2_content,
            normalise=True,
        )
    )
    for layer in STYLE_LAYERS:
        mask, used, feats = masks[layer], hits[layer], style_feats[layer][0]
        gram = masked_gram(feats, used).clone()
        nodes[layer].append(
            LossNode(
                f"style_{layer}",
                partial(pass2_style, mask=mask, target_gram=gram),
                mask[None, None],
                weight=weights.style,
                normalise=True,
            )
        )
        if layer in HISTOGRAM_LAYERS:
            target = build_target(feats, used, int((mask > MASK_THRESHOLD).sum()))
            nodes[layer].append(
                LossNode(
                    f"hist_{layer}",
                    partial(histogram_gradient, mask=mask, target=target),
                    mask[None, None],
                    weight=weights.histogram,
                    normalise=True,
                )
            )
    return nodes


def run_pass2(
    net: VGGFeatures,
    composite: torch.Tensor,
    style_feats: dict[str, torch.Tensor],
    hits: dict[str, torch.Tensor],
    masks: dict[str, torch.Tensor],
    loose_mask: torch.Tensor,
    weights: Pass2Weights,
    iterations: int,
    on_step=None,
    start: torch.Tensor | None = None,
    image_nodes: tuple[LossNode, ...] = (),
    timer: StageTimer | None = None,
    stage: str = "pass2",
    precision: Precision = "float32",
) -> tuple[torch.Tensor, dict[str, list[float]]]:
    """Optimise from `start`, the composite when None (init = I, §4.4); returns X and the loss history.

    image_nodes: extra nodes on the image beside total variation (the likeness term, ours);
    timer: gets the stages f"{stage} targets" and f"{stage} evaluations"; precision: the
    network's arithmetic in the evaluations (harmonize/method/precision.py).
    """
    timer = timer or StageTimer()
    with timer.stage(f"{stage} targets"):
        nodes = build_pass2_nodes(net, composite, style_feats, hits, masks, weights)
    m_d = loose_mask[None, None]
    tv = LossNode(
        "tv",
        lambda x: (tv_value(x), m_d * tv_gradient(x)),
        m_d,
        weight=weights.tv * net.weight_scales.pass2_tv,
        normalise=True,
    )
    hooks = {layer: chain_nodes(layer_nodes) for layer, layer_nodes in nodes.items()}
    all_nodes = [n for layer_nodes in nodes.values() for n in layer_nodes] + list(image_nodes)

    def evaluate(x: torch.Tensor) -> float:
        image = tv(x)
        for node in image_nodes:
            image = node(image)
        with network_precision(x.device, precision):
            feats = net.run(image, hooks=hooks, stop_at=REFERENCE_LAYER)
        (feats[REFERENCE_LAYER] * 0).sum().backward()
        assert x.grad is not None  # backward() just filled it: x requires grad
        x.grad.mul_(m_d)  # the image gradient is masked once more at the end (§4.3)
        return sum(n.last_value for n in all_nodes) + tv.last_value

    initial = composite if start is None else start
    with timer.stage(f"{stage} evaluations"):
        result = run_lbfgs(
            initial, evaluate, iterations, LEARNING_RATE, NO_EARLY_STOP, NO_EARLY_STOP, on_step, LOSS_RISE
        )
    history = {n.name: [n.weight * v for v in n.values] for n in all_nodes + [tv]}
    return result, history
