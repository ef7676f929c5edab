"""bfloat16 only where the device runs it natively (harmonize/method/precision.py)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch

import harmonize.method.pass2 as pass2_module
from harmonize.method.precision import usable_precision
from harmonize.options import HarmonizeOptions


@pytest.mark.parametrize("native, expected", [(True, "bfloat16"), (False, "float32")])
def test_bfloat16_falls_back_to_float32_on_a_cpu_that_would_emulate_it(monkeypatch, native, expected):
    monkeypatch.setattr("harmonize.method.precision.cpu_has_bfloat16", lambda: native)
    assert usable_precision(torch.device("cpu"), "bfloat16") == expected
    assert usable_precision(torch.device("cpu"), "float32") == "float32"


@pytest.mark.parametrize("native", [True, False])
def test_pass_2_runs_at_the_precision_the_cpu_supports(monkeypatch, harmonizer, native):
    monkeypatch.setattr("harmonize.method.precision.cpu_has_bfloat16", lambda: native)
    used = []

    def recording(device, precision):
        used.append(precision)
        return contextlib.nullcontext()

    monkeypatch.setattr(pass2_module, "network_precision", recording)
    mask = np.zeros((64, 96), np.float32)
    mask[16:48, 30:66] = 1
    painting = np.full((64, 96, 3), 0.4, np.float32)
    naive = np.where(mask[..., None] > 0, np.float32(0.8), painting)
    options = HarmonizeOptions(size=96, iters1=2, iters2=3, post=False, precision="bfloat16")
    harmonizer.run(painting, naive, mask, None, options)
    assert used and set(used) == {"bfloat16" if native else "float32"}
