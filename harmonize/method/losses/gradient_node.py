"""The authors' loss nodes: identities in the forward pass that inject their gradient backward.

docs/algorithm.md §3.3 and §4.3: a node at a layer returns m * (w * g + g_in) in the backward pass,
where g is its own gradient (L2-normalised in pass 2) and g_in arrives from deeper layers. So
deeper gradients are re-masked at every shallower node, exactly as in the reference code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

GRAD_NORM_EPS = 1e-8  # pass-2 nodes: g / (||g||_2 + 1e-8) (§4.3)

GradientFn = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


@dataclass
class LossNode:
    """One loss at one place: its gradient function (of (C, H, W) data), mask, weight, value."""

    name: str
    gradient: GradientFn
    mask: torch.Tensor
    weight: float = 1.0
    normalise: bool = False
    values: list[float] = field(default_factory=list)

    def __call__(self, activation: torch.Tensor) -> torch.Tensor:
        """Pass `activation` (1, C, H, W) through, recording this node's value."""
        return _Inject.apply(activation, self)

    @property
    def last_value(self) -> float:
        """The weighted loss value of the latest evaluation."""
        return self.weight * self.values[-1] if self.values else 0.0


class _Inject(torch.autograd.Function):
    @staticmethod
    def forward(ctx, activation: torch.Tensor, node: LossNode) -> torch.Tensor:
        # float32 even when the network runs in bfloat16 (harmonize/method/precision.py); .float() of a
        # float32 tensor is the tensor itself
        with torch.no_grad(), torch.autocast(activation.device.type, enabled=False):
            value, grad = node.gradient(activation.detach()[0].float())
            if node.normalise:
                grad = grad / (grad.norm() + GRAD_NORM_EPS)
        node.values.append(value)
        ctx.save_for_backward(node.weight * grad[None], node.mask)
        return activation.view_as(activation)

    @staticmethod
    def backward(ctx, grad_in: torch.Tensor) -> tuple[torch.Tensor, None]:
        own, mask = ctx.saved_tensors
        return mask * (own + grad_in), None


def chain_nodes(nodes: list[LossNode]) -> Callable[[torch.Tensor], torch.Tensor]:
    """A layer hook applying `nodes` in forward order (so the last runs first backward)."""

    def apply(activation: torch.Tensor) -> torch.Tensor:
        for node in nodes:
            activation = node(activation)
        return activation

    return apply
