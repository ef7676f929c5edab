"""Pass 1: robust coarse harmonization (docs/algorithm.md §3, neural_gram.lua).

Each style layer maps every masked composite patch independently to its most similar painting
patch (cosine of 3x3 feature patches); the masked Gram matrices of the mapped features are the
style targets; a masked content loss at relu4_1 and a TV term keep the object recognisable.

The evaluations always run in float32, even where the options ask bfloat16 for pass 2 (ours):
torch7's first L-BFGS step is lr / sum|g| (§3.4), about 1e-4 of a pixel level here, below what
bfloat16 activations resolve. The loss then repeats exactly, the tolX test |f - f_old| < 1e-9
stops the run after 2 evaluations, and pass 1 returned the naive paste on 5 of the 14 paper
examples at 700 px (docs/design/performance.md, "Pass 1 in float32").
"""

from __future__ import annotations

from functools import partial

import torch

from harmonize.method.losses.content_loss import pass1_content
from harmonize.method.losses.gradient_node import LossNode, chain_nodes
from harmonize.method.losses.gram import masked_gram
from harmonize.method.losses.style_loss import pass1_style
from harmonize.method.losses.total_variation import PASS1_TV_WEIGHT, tv_gradient, tv_value
from harmonize.method.nearest_patches import match_cosine
from harmonize.method.optimize import run_lbfgs
from harmonize.method.vgg import VGGFeatures
from harmonize.stage_timer import StageTimer

CONTENT_LAYER = "relu4_1"  # docs/algorithm.md §2 table, pass 1
STYLE_LAYERS = ("relu3_1", "relu4_1", "relu5_1")  # docs/algorithm.md §2 table, pass 1
LEARNING_RATE = 1.0  # torch7 lbfgs default (§3.4)
TOLERANCE_GRAD = 1e-5  # tolFun (§3.4); PyTorch tests max|g| where torch7 tests sum|g|
TOLERANCE_CHANGE = 1e-9  # tolX (§3.4)


def mapped_style_features(content: torch.Tensor, style: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """S'_l: each masked content position takes the centre of its best painting patch (§3.1).

    content, style (C, H, W); mask (H, W). Unmasked positions are left zero: every use of
    S'_l multiplies it by the mask.
    """
    c, h, w = content.shape
    rows = (mask.flatten() > 0).nonzero().squeeze(1)
    best = match_cosine(content, style, rows=rows)
    mapped = torch.zeros(c, h * w, dtype=style.dtype, device=style.device)
    mapped[:, rows] = style.reshape(c, -1)[:, best]
    return mapped.reshape(c, h, w)


def build_pass1_nodes(
    net: VGGFeatures, composite: torch.Tensor, style_feats: dict[str, torch.Tensor], masks: dict[str, torch.Tensor]
) -> dict[str, list[LossNode]]:
    """The loss nodes per layer, in forward order (content before style at relu4_1).

    style_feats: the whole painting's features (painting_features.painting_features).
    """
    with torch.inference_mode():
        content_feats = net.run(composite)
    nodes: dict[str, list[LossNode]] = {}
    content_target = content_feats[CONTENT_LAYER][0].clone()
    nodes.setdefault(CONTENT_LAYER, []).append(
        LossNode(
            "content",
            partial(pass1_content, target=content_target),
            masks[CONTENT_LAYER][None, None],
            weight=net.weight_scales.pass1_content,
        )
    )
    for layer in STYLE_LAYERS:
        mask = masks[layer]
        mapped = mapped_style_features(content_feats[layer][0], style_feats[layer][0], mask)
        target = masked_gram(mapped, mask).clone()
        nodes.setdefault(layer, []).append(
            LossNode(f"style_{layer}", partial(pass1_style, mask=mask, target_gram=target), mask[None, None])
        )
    return nodes


def run_pass1(
    net: VGGFeatures,
    composite: torch.Tensor,
    style_feats: dict[str, torch.Tensor],
    masks: dict[str, torch.Tensor],
    loose_mask: torch.Tensor,
    iterations: int,
    on_step=None,
    timer: StageTimer | None = None,
) -> tuple[torch.Tensor, dict[str, list[float]]]:
    """Optimise the composite (1, 3, H, W Caffe space); returns the image X and loss history.

    masks: the soft mask per layer (H_l, W_l); loose_mask: M_d (H, W) at full resolution;
    timer: gets the stages "pass1 matching" (with the style targets) and "pass1 evaluations".
    The evaluations run in float32 whatever the options' precision (module docstring).
    """
    timer = timer or StageTimer()
    with timer.stage("pass1 matching"):
        nodes = build_pass1_nodes(net, composite, style_feats, masks)
    tv = LossNode(
        "tv",
        lambda x: (tv_value(x), tv_gradient(x)),
        loose_mask[None, None],
        weight=PASS1_TV_WEIGHT * net.weight_scales.pass1_tv,
    )
    hooks = {layer: chain_nodes(layer_nodes) for layer, layer_nodes in nodes.items()}
    last_layer = STYLE_LAYERS[-1]
    all_nodes = [n for layer_nodes in nodes.values() for n in layer_nodes]

    def evaluate(x: torch.Tensor) -> float:
        feats = net.run(tv(x), hooks=hooks, stop_at=last_layer)
        (feats[last_layer] * 0).sum().backward()
        return sum(n.last_value for n in all_nodes)  # TV's value is not reported (§3.2)

    with timer.stage("pass1 evaluations"):
        result = run_lbfgs(composite, evaluate, iterations, LEARNING_RATE, TOLERANCE_GRAD, TOLERANCE_CHANGE, on_step)
    history = {n.name: [n.weight * v for v in n.values] for n in all_nodes}
    return result, history
