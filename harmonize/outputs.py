"""Writing one result to a folder: the images, compare.png and run.json."""

from __future__ import annotations

import json
from pathlib import Path

from harmonize.compare import compare_panel
from harmonize.imageio import save_png
from harmonize.options import HarmonizeOptions
from harmonize.types import HarmonizeResult


def write_outputs(result: HarmonizeResult, options: HarmonizeOptions, out: Path, inputs: dict[str, str]) -> list[Path]:
    """Save naive/mask/pass1/pass2[/final]/compare PNGs and run.json into `out`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    images = {"naive": result.naive, "mask": result.tight_mask, "pass1": result.pass1, "pass2": result.pass2}
    if result.final is not None:
        images["final"] = result.final
    images["compare"] = compare_panel(result)
    paths = []
    for name, image in images.items():
        save_png(out / f"{name}.png", image)
        paths.append(out / f"{name}.png")
    run = {
        "inputs": inputs,
        "options": options.to_dict(),
        "tau": result.tau,
        "size": list(result.naive.shape[:2]),
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
        "cpu_seconds": {k: round(v, 3) for k, v in result.times.cpu.items()},
        "optimisations": result.times.to_dict()["optimisations"],
        "final_losses": {stage: (terms[-1] if terms else {}) for stage, terms in result.losses.items()},
        "evaluations": {stage: len(terms) for stage, terms in result.losses.items()},
    }
    (out / "run.json").write_text(json.dumps(run, indent=2))
    paths.append(out / "run.json")
    return paths
