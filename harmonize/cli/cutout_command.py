"""`harmonize cutout`: cut the object out of a photo into an RGBA PNG."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import typer
from PIL import Image

from harmonize.cli.environment import cutter_from_environment
from harmonize.cli.errors import user_errors
from harmonize.cutout import METHODS, Box, CutoutError
from harmonize.imageio import read_object

METHOD_HELP = (
    "auto | alpha | u2netp | grabcut | saliency | removebg | rembg. auto: the photo's own transparency if it has "
    "some, else remove.bg if REMOVE_BG_API_KEY is set, else rembg if its model is on disk, else u2netp if "
    "installed (the best offline method on the cut-out benchmark), else saliency (grabcut with a box); a failing "
    "method falls back to the next."
)
BOX_HELP = "x0,y0,x1,y1: a pixel rectangle of the photo around the object; the cut-out looks only inside it."
# How to act on a CutoutError's advice with this command line's flags (the engine's text names none).
FLAG_ADVICE = {
    "box": "--box x0,y0,x1,y1 draws the box, in pixels of the photo",
    "method": "--method picks another cut-out: " + ", ".join(m for m in METHODS if m != "auto"),
}


@contextlib.contextmanager
def cli_wording() -> Iterator[None]:
    """Re-raise a CutoutError with its advice spelled as this CLI's flags, on the same line."""
    try:
        yield
    except CutoutError as error:
        hints = [FLAG_ADVICE[a] for a in sorted(error.advice) if a in FLAG_ADVICE]
        if not hints:
            raise
        raise CutoutError(f"{error} ({'; '.join(hints)}.)", error.advice) from error


def cutout(
    object: Path = typer.Option(..., "--object", help="Photo of the object: PNG, JPEG or WebP."),
    out: Path = typer.Option(..., "--out", help="Where to write the cut-out, a PNG with transparency."),
    method: str = typer.Option("auto", "--method", help=METHOD_HELP),
    box: str | None = typer.Option(None, "--box", help=BOX_HELP),
) -> None:
    """Cut the object out of a photo and save it as a cropped RGBA PNG."""
    with user_errors(), cli_wording():
        if method not in METHODS:
            raise CutoutError(f"Unknown --method {method!r}: use one of {', '.join(METHODS)}.")
        if out.suffix.lower() != ".png":
            raise CutoutError(f"--out {out} must end in .png: the cut-out needs transparency.")
        if not out.parent.is_dir():
            raise CutoutError(f"--out {out}: the folder {out.parent} does not exist.")
        rgba, used = cutter_from_environment().cut_out(read_object(object), method, parse_box(box))
        try:
            Image.fromarray(rgba, "RGBA").save(out, format="PNG")
        except OSError as error:
            raise CutoutError(f"Cannot write {out}: {error.strerror or error}.") from error
    typer.echo(f"Wrote {out} ({rgba.shape[1]}x{rgba.shape[0]}, cut out by {used}).")


def parse_box(text: str | None) -> Box | None:
    """ "x0,y0,x1,y1" -> a tuple of four ints; None stays None."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    try:
        x0, y0, x1, y1 = (int(part) for part in parts)
    except ValueError:
        raise CutoutError(f"--box {text!r} must be four whole numbers x0,y0,x1,y1, e.g. 40,30,600,460.") from None
    return x0, y0, x1, y1
