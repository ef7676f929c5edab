"""Which torch device a Harmonizer runs on."""

from __future__ import annotations

import torch


def pick_device(name: str) -> torch.device:
    """ "auto" -> CUDA when available, else CPU; "cuda" without a GPU is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("A CUDA GPU was asked for, but none is available: run on the CPU (device cpu or auto).")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"Unknown device {name!r}: use auto, cpu or cuda.")
    return torch.device(name)
