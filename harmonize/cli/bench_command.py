"""`harmonize bench`: time and judge the engine on the paper's examples."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from harmonize.cli.errors import user_errors


def bench(
    data: Path = typer.Option(..., help="Folder with N_target.jpg, N_naive.jpg, N_c_mask.jpg (+ the paper's results)."),
    out: Path = typer.Option(..., help="Where bench.json, bench.md and the panels go."),
    examples: str = typer.Option("16,3,9", help="Comma-separated example numbers."),
    size: int = typer.Option(700, help="Working size (longest side, px)."),
    reference: bool = typer.Option(False, "--reference", help="Also run the authors' settings, for side-by-side ratios."),
    reference_from: Optional[Path] = typer.Option(
        None, help="Take the authors'-settings runs from this earlier bench.json instead of running them "
                   "(they take hours on a CPU); bench.md says so.",
    ),
) -> None:
    """Benchmark the fast settings (and optionally the authors') on DIR's examples."""
    from harmonize.bench.report import write_report
    from harmonize.bench.runner import load_records, run_example

    with user_errors():
        names = [e.strip() for e in examples.split(",") if e.strip()]
        missing = [e for e in names if not (data / f"{e}_target.jpg").is_file()]
        if missing:
            raise ValueError(f"{data} has no example(s) {', '.join(missing)} (N_target.jpg, N_naive.jpg, N_c_mask.jpg).")
        out.mkdir(parents=True, exist_ok=True)
        earlier = load_records(reference_from, "reference", size) if reference_from else {}
        records = []
        for example in names:
            for preset in ("fast", "reference") if reference or reference_from else ("fast",):
                record = earlier.get(example) if preset == "reference" else None
                if record is None:
                    record = run_example(data, example, preset, size, out)
                typer.echo(f"example {example} {preset}: {record.seconds['total']:.0f} s, {record.quality}")
                records.append(record)
        write_report(records, data, out)
    typer.echo(f"wrote {out}/bench.md")
