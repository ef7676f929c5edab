"""The `harmonize` console script: registers one sub-command per module."""

from __future__ import annotations

import logging

import typer

from harmonize.cli.bench_command import bench
from harmonize.cli.bench_cutout_command import bench_cutout
from harmonize.cli.cutout_command import cutout
from harmonize.cli.demo_command import demo
from harmonize.cli.preview_command import preview
from harmonize.cli.run_command import run

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Paste an object into a painting so that it looks painted in.",
)
app.command("run")(run)
app.command("cutout")(cutout)
app.command("preview")(preview)
app.command("bench-cutout")(bench_cutout)
app.command("bench")(bench)
app.command("demo")(demo)


@app.callback()
def configure(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details.")) -> None:
    """Paste an object into a painting so that it looks painted in."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
