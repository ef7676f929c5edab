"""The network's arithmetic during L-BFGS evaluations: float32 (the authors'), or bfloat16.

bfloat16 runs the convolutions under torch.autocast (oneDNN on CPUs with avx512_bf16 or AMX, tensor
cores on a GPU); the loss nodes still compute in float32 (losses/gradient_node.py), and the fixed
targets (content, style, matching) are computed in float32 outside it. Measured in
docs/design/performance.md.

A CPU without oneDNN's bfloat16 support (AVX2 only, e.g. an AMD EPYC before Zen 4) emulates it:
one 3x3 convolution's forward and backward took 12x float32's time there (docs/design/performance.md,
"bfloat16 where the CPU has it"), so on such a device bfloat16 falls back to float32.
"""

from __future__ import annotations

import contextlib

import torch

from harmonize.options import Precision


def cpu_has_bfloat16() -> bool:
    """Whether oneDNN runs bfloat16 on this CPU without emulating it (AVX-512 or newer; torch's own check)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch built without oneDNN: no fast bfloat16
        return False


def usable_precision(device: torch.device, precision: Precision) -> Precision:
    """`precision`, or float32 where bfloat16 would be emulated (a CPU without it, a GPU without it)."""
    if precision == "float32":
        return precision
    if device.type == "cuda":
        fast = torch.cuda.is_bf16_supported(including_emulation=False)  # Ampere or newer
    else:
        fast = cpu_has_bfloat16()
    return precision if fast else "float32"


def network_precision(device: torch.device, precision: Precision) -> contextlib.AbstractContextManager:
    """A context in which the network's convolutions run at `precision`; float32 changes nothing."""
    if precision == "float32":
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=torch.bfloat16)
