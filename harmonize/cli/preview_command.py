"""`harmonize preview`: the cut-out placed in the painting, in seconds, before the expensive run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from harmonize.cli.cutout_command import BOX_HELP, METHOD_HELP, cli_wording, parse_box
from harmonize.cli.environment import cutter_from_environment
from harmonize.cli.errors import user_errors
from harmonize.cutout import METHODS, CutoutError
from harmonize.imageio import read_object, read_painting, save_png
from harmonize.options import HarmonizeOptions
from harmonize.placement import place_object
from harmonize.types import Placement


def preview(
    painting: Path = typer.Option(..., help="The painting (PNG/JPEG/WebP)."),
    object: Path = typer.Option(
        ..., "--object", help="A photo of the object (alpha PNG/WebP, or any photo: it is cut out)."
    ),
    out: Path = typer.Option(..., help="Output folder: naive.png (the object pasted in) and mask.png."),
    method: str = typer.Option("auto", help=METHOD_HELP),
    box: str | None = typer.Option(None, help=BOX_HELP),
    x: float = typer.Option(Placement.x, help="Centre x as a fraction of the painting's width."),
    y: float = typer.Option(Placement.y, help="Centre y as a fraction of the painting's height."),
    height: float = typer.Option(Placement.height, help="Object height as a fraction of the painting's height."),
    size: int = typer.Option(HarmonizeOptions.size, help="Longest side of the working size, px, as for harmonize run."),
) -> None:
    """Cut the object out and paste it into the painting without harmonizing: check it before `run`."""
    with user_errors(), cli_wording():
        if method not in METHODS:
            raise CutoutError(f"Unknown --method {method!r}: use one of {', '.join(METHODS)}.")
        canvas, photo = read_painting(painting), read_object(object)
        naive, tight, used = place_object(
            canvas, photo, Placement(x, y, height), size, method, parse_box(box), cutter_from_environment()
        )
        out.mkdir(parents=True, exist_ok=True)
        write_preview(out, naive, tight)
    typer.echo(f"wrote {out}/naive.png and mask.png (cut out by {used}); if the cut-out looks right: harmonize run")


def write_preview(out: Path, naive: np.ndarray, tight: np.ndarray) -> None:
    """naive.png (H, W, 3) and mask.png (H, W) float32 in [0, 1] in `out`."""
    save_png(out / "naive.png", naive)
    save_png(out / "mask.png", tight)
