"""The `harmonize` command line: one module per sub-command."""
