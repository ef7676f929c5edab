"""`harmonize bench-cutout`: every cut-out method against objects whose true mask is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from harmonize.cli.environment import cutter_from_environment
from harmonize.cli.errors import user_errors
from harmonize.cutout import BACKENDS
from harmonize.tools.cutout_bench.cases import FOUR_PHOTOS, example_numbers, load_sample, make_cases, photo
from harmonize.tools.cutout_bench.report import case_sheet, on_backdrop, sheet, write_results
from harmonize.tools.cutout_bench.runner import available_methods, photo_cutouts, score_method

DEFAULT_METHODS = ",".join(name for name in BACKENDS if name != "alpha")  # a photo has no alpha to use


def bench_cutout(
    data: Path = typer.Option(..., help="The paper's data folder (N_naive.jpg and N_c_mask.jpg pairs)."),
    out: Path = typer.Option(..., help="Folder for cutout-bench.json, cutout-bench.md and cutout-cases.png."),
    methods: str = typer.Option(
        DEFAULT_METHODS, help="Comma-separated methods; those that cannot run here are listed as not run."
    ),
    per_object: int = typer.Option(3, help="Cases per object: backgrounds, heights and positions vary."),
    seed: int = typer.Option(0, help="Seed of the heights and positions."),
    box: bool = typer.Option(False, help="Give every method the object's true box plus 3 %, as a user's box."),
    figure: Path | None = typer.Option(
        None, help="Also write scikit-image's four photos cut out by every method (and auto) here."
    ),
) -> None:
    """Score the cut-out methods (mean IoU, boundary F, see-through, edge dE) on objects pasted onto real photos."""
    with user_errors():
        numbers = example_numbers(data) if data.is_dir() else []
        if not numbers:
            raise FileNotFoundError(f"{data}: no N_naive.jpg with N_c_mask.jpg here (the paper's data folder).")
        out.mkdir(parents=True, exist_ok=True)
        cutter = cutter_from_environment()
        usable, skipped = available_methods(cutter, [m.strip() for m in methods.split(",") if m.strip()])
        for method, why in skipped.items():
            typer.echo(f"not run: {method}: {why}")
        samples = [load_sample(data, n) for n in numbers]
        for sample in samples:
            if not sample.is_object:
                typer.echo(f"left out: {sample.name}: its mask is a pasted background, not an object")
        objects = [sample for sample in samples if sample.is_object]
        cases = make_cases(objects, per_object, seed)
        results = []
        for method in usable:
            results.append(score_method(cutter, method, cases, box))
            s = results[-1].summary()
            typer.echo(
                f"{method:10s} mean IoU {s['mean_iou']:.3f}  boundary F {s['mean_boundary_f']:.3f}  "
                f"see-through {s['mean_see_through']:.1%}  edge dE {s['mean_edge_de']:.2f}  "
                f"({len(cases)} photos, {s['mean_seconds']:.2f} s each)"
            )
        settings = {"examples": [s.name for s in objects], "per_object": per_object, "seed": seed, "box": box}
        write_results(out, results, skipped, settings)
        case_sheet(cases, results).save(out / "cutout-cases.png")
        if figure is not None:
            photos = {name: photo(name) for name in FOUR_PHOTOS}
            mattes = photo_cutouts(cutter, photos, [*usable, "auto"])
            columns = {"photo": list(photos.values())}
            for method, alphas in mattes.items():
                columns[method] = [
                    on_backdrop(p, a if a is not None else np.zeros(p.shape[:2]))
                    for p, a in zip(photos.values(), alphas, strict=True)
                ]
            figure.parent.mkdir(parents=True, exist_ok=True)
            sheet(columns).save(figure)
    typer.echo(
        f"wrote {out}/cutout-bench.json, cutout-bench.md, cutout-cases.png" + (f" and {figure}" if figure else "")
    )
