"""`python -m harmonize` runs the `harmonize` command line."""

from harmonize.cli.main import app

app()
