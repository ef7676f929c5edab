"""`harmonize demo`: harmonize the bundled example (a cup in a generated painting), offline."""

from __future__ import annotations

from pathlib import Path

import typer

from harmonize.cli.errors import user_errors
from harmonize.cli.progress_bars import StageBars
from harmonize.cli.run_command import parse_tau
from harmonize.options import HarmonizeOptions
from harmonize.tools.demo.runner import DEMO_OPTIONS, run_demo


def demo(
    out: Path = typer.Option(
        Path("demo-output"),
        help="Output folder: painting, object, naive, pass1, pass2, final, compare PNGs and run.json.",
    ),
    size: int = typer.Option(DEMO_OPTIONS.size, help="Longest side of the painting and of the working size, px."),
    iters1: int = typer.Option(DEMO_OPTIONS.iters1, help="Pass-1 L-BFGS iterations (paper: 1000)."),
    iters2: int = typer.Option(DEMO_OPTIONS.iters2, help="Pass-2 L-BFGS iterations (paper: 1000)."),
    tau: str = typer.Option(str(DEMO_OPTIONS.tau), help="Pass-2 style weight tau (paper: 1-10), or 'auto'."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    post: bool = typer.Option(
        DEMO_OPTIONS.post, "--post/--no-post", help="Run the post-processing that removes high-frequency artefacts."
    ),
) -> None:
    """Paint a coffee cup into a Van-Gogh-like still life made by our own code: no download, no token."""
    with user_errors():
        if size < 32 or iters1 < 1 or iters2 < 1:
            raise ValueError("--size must be at least 32 and --iters1/--iters2 at least 1.")
        options = HarmonizeOptions(
            size=size,
            tau=parse_tau(tau),
            iters1=iters1,
            iters2=iters2,
            seed=DEMO_OPTIONS.seed,
            post=post,
        )
        bars = StageBars()
        run_demo(out, options, bars, device=device)
        bars.close()
    typer.echo(
        f"wrote {out}/: {out / 'compare.png'} shows painting, naive paste, pass 1, pass 2 and final side by side"
    )
