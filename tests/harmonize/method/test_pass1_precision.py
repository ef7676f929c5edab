"""Pass 1 runs in float32 even where pass 2 runs in bfloat16 (harmonize/method/pass1.py)."""

from __future__ import annotations

import numpy as np

from harmonize.presets import preset_options
from harmonize.tools.bench.runner import PaperExample

EXAMPLE = "10"  # one of the five paper examples whose bfloat16 pass 1 stopped after 2 evaluations


def test_pass1_runs_every_evaluation_and_moves_the_object_under_a_bfloat16_preset(dph, harmonizer):
    given = PaperExample(str(dph), EXAMPLE).inputs(700)
    options = preset_options("standard", size=700, tau=given.tau, coarse_iters2=2, iters2=2, post=False)
    assert options.precision == "bfloat16"
    events = []
    result = harmonizer.run(given.painting, given.naive, given.tight, given.loose, options, events.append)
    steps = [e.step for e in events if e.stage == "pass1"]
    assert steps == list(range(1, options.iters1 + 1)), steps
    inside = result.tight_mask > 0.5
    change = np.abs(result.pass1 - result.naive)[inside].mean()
    assert change > 0.02, f"pass 1 left the object as pasted (mean change {change:.4f})"
