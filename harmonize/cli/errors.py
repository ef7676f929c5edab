"""Turning expected failures into one clear line on stderr and a non-zero exit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer

EXIT_BAD_INPUT = 2


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report ValueError / FileNotFoundError (bad input) as `error: ...` and exit 2, no traceback."""
    try:
        yield
    except (ValueError, FileNotFoundError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
