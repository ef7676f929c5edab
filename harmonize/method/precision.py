"""The network's arithmetic during L-BFGS evaluations: float32 (the authors'), or bfloat16.

bfloat16 runs the convolutions under torch.autocast (oneDNN on CPUs with avx512_bf16 or AMX, tensor
cores on a GPU); the loss nodes still compute in float32 (losses/gradient_node.py), and the fixed
targets (content, style, matching) are computed in float32 outside it. Measured in
docs/design/performance.md.
"""

from __future__ import annotations

import contextlib

import torch

from harmonize.options import Precision


def network_precision(device: torch.device, precision: Precision) -> contextlib.AbstractContextManager:
    """A context in which the network's convolutions run at `precision`; float32 changes nothing."""
    if precision == "float32":
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=torch.bfloat16)
