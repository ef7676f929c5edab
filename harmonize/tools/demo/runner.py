"""Run the bundled demo end to end and write every stage's picture to a folder."""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image

from harmonize.options import HarmonizeOptions
from harmonize.outputs import write_outputs
from harmonize.tools.demo.example import demo_inputs
from harmonize.types import ProgressCallback

log = logging.getLogger(__name__)

DEMO_OPTIONS = HarmonizeOptions(  # a few minutes on a 2-core CPU (docs/demo.md has the timings)
    size=320,  # longest side, px (paper: 700, about 5x the pixels)
    tau=2.0,  # pass-2 style weight: at 5 and 10 the flat saucer dissolves into the table (docs/demo.md)
    iters1=100,  # pass-1 L-BFGS iterations (paper: 1000)
    iters2=100,  # pass-2 L-BFGS iterations (paper: 1000); 300 looked no better than 100 here
)


def run_demo(
    out: Path,
    options: HarmonizeOptions = DEMO_OPTIONS,
    progress: ProgressCallback | None = None,
    device: str = "auto",
) -> list[Path]:
    """Harmonize the demo cup into the generated painting; write inputs and outputs into `out`."""
    from harmonize.one_call import harmonize_object

    inputs = demo_inputs(options.size)
    out.mkdir(parents=True, exist_ok=True)
    painting_path, object_path = out / "painting.png", out / "object.png"
    Image.fromarray(inputs.painting).save(painting_path, format="PNG")
    Image.fromarray(inputs.object_rgba, "RGBA").save(object_path, format="PNG")
    log.info("demo: %s; %s", inputs.sources["painting"], inputs.sources["object"])
    result = harmonize_object(inputs.painting, inputs.object_rgba, inputs.placement, options, progress, device=device)
    sources = {**inputs.sources, "painting_file": str(painting_path), "object_file": str(object_path)}
    return [painting_path, object_path, *write_outputs(result, options, out, sources)]
