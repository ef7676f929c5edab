"""`harmonize bench`: time and judge the engine on the paper's examples and on objects in new paintings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import typer

from harmonize.cli.errors import user_errors


def bench(
    data: Path | None = typer.Option(
        None, help="Folder with N_target.jpg, N_naive.jpg, N_c_mask.jpg (+ the paper's results)."
    ),
    out: Path | None = typer.Option(None, help="Where bench.json, bench.md and the panels go."),
    examples: str = typer.Option("16,3,9", help="Comma-separated example numbers, or all (every example in --data)."),
    size: int = typer.Option(700, help="Working size (longest side, px)."),
    reference: bool = typer.Option(
        False, "--reference", help="Also run the authors' settings, for side-by-side ratios."
    ),
    reference_from: Path | None = typer.Option(
        None,
        help="Take the authors'-settings runs from this earlier bench.json instead of running them "
        "(they take hours on a CPU); bench.md says so.",
    ),
    pairs: Path | None = typer.Option(
        None,
        help="Instead of the examples: place objects in paintings they were not made for, from this "
        "tab-separated file (object, painting, x, y, height, note), plus the sample-photo objects; "
        "'rule' for the 45 cases built by a rule from --data (harmonize/tools/bench/rule_pairs.py).",
    ),
    photos: bool = typer.Option(
        True, help="With --pairs: also the scikit-image photo objects (coffee, astronaut, cat)."
    ),
    only: str = typer.Option(
        "", help="With --pairs: run only these comma-separated cases, e.g. '3 in 16,coffee in 9'."
    ),
    preset: str = typer.Option(
        "standard", help="With --pairs: a preset (standard, the bot's; draft; fast), or reference (the authors')."
    ),
    likeness: float | None = typer.Option(
        None,
        help="How much of the object's own look to keep, 0 to 1 (default: the preset's); 0 is the authors' method.",
    ),
    rescore: Path | None = typer.Option(
        None,
        help="Instead of running the engine: recompute the survives measure of an earlier --pairs run "
        "from its bench.json and saved images; writes bench.json, bench.md and panels to --out "
        "(default: that run's folder).",
    ),
    profile: bool = typer.Option(
        False,
        "--profile",
        help="Print and add to bench.md where each run's time went: CPU seconds per stage, each L-BFGS "
        "run's evaluations and window pixels.",
    ),
    threads: int = typer.Option(0, help="Torch CPU threads per run (0: torch's default); 1 for CPU-time profiles."),
    presets: str = typer.Option(
        "fast",
        help="Comma-separated presets of harmonize/presets.py run on each example, one after the other, "
        "for ratios to fast measured in the same run.",
    ),
    device: str = typer.Option("cpu", help="cpu, or cuda for a GPU."),
    sheets: list[Path] | None = typer.Option(
        None,
        help="Instead of running the engine: blind sheets for a judge into --out. Twice (--sheets A --sheets B): "
        "shuffled, unlabelled A/B sheets of two bench folders, the key in key.json; once: single-result sheets.",
    ),
    seed: int = typer.Option(23, help="With --sheets: the seed of the sheets' order and sides."),
    controls: int | None = typer.Option(
        None,
        min=0,
        help="With --sheets twice: control sheets showing one run's result on both sides, shuffled in; "
        "how far apart the judge rates them is the noise a verdict must clear. [default: 3]",
    ),
    ratings: list[Path] | None = typer.Option(
        None,
        help="Instead of running the engine: score a judge's ratings.tsv (the file or its sheets folder; needs --key). "
        "Once per judge: each judge's scores, then the preferences of all of them pooled, with a sign test.",
    ),
    key: list[Path] | None = typer.Option(
        None, help="With --ratings: the sheets' key.json, kept apart from the judge; once per --ratings, in order."
    ),
    agreement: bool = typer.Option(
        False,
        help="With --ratings: also ask whether the bench's measures agree with the judges, over every result "
        "they rated (the runs' folders as the keys name them); --out also writes agreement.json there.",
    ),
    survival_authors: Path | None = typer.Option(
        None,
        help="Instead of running the engine: the survives measure on the authors' own results in this "
        "folder (N_final_res.png, N_final_res2.png against N_naive.jpg); --out also writes it there.",
    ),
) -> None:
    """Benchmark the engine: the paper's examples, objects in new paintings (--pairs); or, without running
    it, re-score an earlier pairs run (--rescore) or calibrate the survives measure (--survival-authors)."""
    with user_errors():
        if sheets:
            _sheets(sheets, out, seed, controls)
            return
        if agreement and not ratings:
            raise ValueError("The agreement needs the judges' ratings: give --ratings and --key for each judge.")
        if ratings:
            ratings = [folder.parent if folder.is_file() else folder for folder in ratings]  # a ratings.tsv itself
            _ratings(ratings, key or [])
            if agreement:
                _agreement(ratings, key or [], out)
            return
        if survival_authors is not None:
            _survival_authors(survival_authors, out)
            return
        if rescore is not None:
            _rescore(rescore, out or rescore.parent)
            return
        if data is None or out is None:
            raise ValueError("Give --data (the paper's example folder) and --out (where the results go).")
        overrides = {} if likeness is None else {"likeness": likeness}
        if pairs is not None:
            _pairs(data, out, pairs, photos, only, preset, size, overrides)
        else:
            names = [name.strip() for name in presets.split(",") if name.strip()]
            _examples(data, out, examples, size, reference, reference_from, overrides, profile, threads, names, device)


def _examples(
    data: Path,
    out: Path,
    examples: str,
    size: int,
    reference: bool,
    reference_from: Path | None,
    overrides: dict[str, float],
    profile: bool = False,
    threads: int = 0,
    presets: list[str] | None = None,
    device: str = "cpu",
) -> None:
    from harmonize.presets import preset_options
    from harmonize.tools.bench.profile_report import append_profile, profile_line
    from harmonize.tools.bench.report import write_report
    from harmonize.tools.bench.rule_pairs import example_order
    from harmonize.tools.bench.runner import ENGINE_PRESET, load_records, run_example

    runs = (presets or ["fast"]) + (["reference"] if reference or reference_from else [])
    for name in runs:  # a bad preset or setting stops here, before any run
        preset_options(ENGINE_PRESET.get(name, name), size=size, **overrides)

    names = [e.strip() for e in examples.split(",") if e.strip()]
    if names == ["all"]:
        names = sorted((p.name.removesuffix("_target.jpg") for p in data.glob("*_target.jpg")), key=example_order)
    missing = [e for e in names if not (data / f"{e}_target.jpg").is_file()]
    if missing:
        raise ValueError(f"{data} has no example(s) {', '.join(missing)} (N_target.jpg, N_naive.jpg, N_c_mask.jpg).")
    out.mkdir(parents=True, exist_ok=True)
    earlier = load_records(reference_from, "reference", size) if reference_from else {}
    records = []
    for example in names:
        for preset in runs:
            record = earlier.get(example) if preset == "reference" else None
            if record is None:
                record = run_example(data, example, preset, size, out, overrides, threads, device)
            typer.echo(f"example {example} {preset}: {record.seconds['total']:.0f} s, {record.quality}")
            if profile and not record.source:
                typer.echo(profile_line(record))
            records.append(record)
    write_report(records, data, out)
    if profile:
        append_profile([r for r in records if not r.source], out)
    typer.echo(f"wrote {out}/bench.md")


def _pairs(
    data: Path, out: Path, pairs: Path, photos: bool, only: str, preset: str, size: int, overrides: dict[str, float]
) -> None:
    from harmonize.presets import preset_options
    from harmonize.tools.bench.pairs import missing_inputs, photo_pairs, read_pairs
    from harmonize.tools.bench.pairs_report import write_pairs_report
    from harmonize.tools.bench.rule_pairs import RULE, rule_pairs
    from harmonize.tools.bench.runner import ENGINE_PRESET, RunRecord, run_case

    preset_options(ENGINE_PRESET.get(preset, preset), size=size, **overrides)  # a bad preset or setting stops here
    if str(pairs) == RULE:
        cases = rule_pairs(data, photos)
    else:
        cases = read_pairs(pairs, data) + (photo_pairs(data) if photos else [])
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - {case.name for case in cases})
    if unknown:
        raise ValueError(f"No such case(s): {', '.join(unknown)}; the cases are {', '.join(c.name for c in cases)}.")
    cases = [case for case in cases if not wanted or case.name in wanted]
    skipped = missing_inputs(cases)
    for line in skipped:
        typer.echo(f"skipped {line}")
    skipped_names = {line.split(":")[0] for line in skipped}
    out.mkdir(parents=True, exist_ok=True)
    records: list[RunRecord] = []
    write_pairs_report(records, skipped, out)
    for case in cases:
        if case.name in skipped_names:
            continue
        record = run_case(case, preset, size, out, overrides)
        typer.echo(f"{case.name} {preset}: {record.seconds['total']:.0f} s, {record.quality}")
        records.append(record)
        write_pairs_report(records, skipped, out)  # after each case, so a stopped run keeps its results
    typer.echo(f"wrote {out}/bench.md")


def _sheets(runs: list[Path], out: Path | None, seed: int, controls: int | None) -> None:
    from harmonize.tools.bench.ab_sheets import CONTROL_SHEETS, write_ab_sheets, write_single_sheets

    if out is None or len(runs) > 2:
        raise ValueError("Give --out for the sheets, and --sheets once (one run) or twice (runs A and B).")
    if len(runs) == 2:
        made = write_ab_sheets(runs[0], runs[1], out, seed, controls=CONTROL_SHEETS if controls is None else controls)
    else:
        made = write_single_sheets(runs[0], out, seed)
    typer.echo(f"wrote {len(made)} sheets to {out} (the key: {out}/key.json; keep it from the judge)")


def _ratings(folders: list[Path], keys: list[Path]) -> None:
    from harmonize.tools.bench.ab_sheets import TIE, score_controls, score_preferences, score_ratings, sign_test

    if len(keys) != len(folders):
        raise ValueError("Give one --key per --ratings, in the same order: the key.json written with those sheets.")
    single = ["run" in json.loads(key.read_text()) for key in keys]
    if any(single):  # single sheets are scored, and pooled, apart from A/B sheets
        _single_ratings(
            [f for f, one in zip(folders, single, strict=True) if one],
            [k for k, one in zip(keys, single, strict=True) if one],
        )
        folders = [f for f, one in zip(folders, single, strict=True) if not one]
        keys = [k for k, one in zip(keys, single, strict=True) if not one]
        if not folders:
            return
    pooled: Counter[str] = Counter()
    picked = controls = 0
    for folder, key in zip(folders, keys, strict=True):
        if len(folders) > 1:
            typer.echo(f"{folder}:")
        for run, scores in score_ratings(folder, key).items():
            typer.echo(f"{run}: " + ", ".join(f"{name} {value:g}" for name, value in scores.items()))
        preferred = score_preferences(folder, key)
        typer.echo("preferred: " + ", ".join(f"{name} {count}" for name, count in preferred.items()))
        pooled.update(preferred)
        noise = score_controls(folder, key)
        if noise["rated"]:
            typer.echo(
                "controls (the same picture on both sides): "
                + ", ".join(f"{name} {value:g}" for name, value in noise.items())
            )
            picked, controls = picked + int(noise["sides_picked"]), controls + int(noise["rated"])
    first, second = (count for name, count in pooled.items() if name != TIE)
    line = f"all {len(folders)} judges: preferred " + ", ".join(f"{name} {count}" for name, count in pooled.items())
    line += f"; sign test p {sign_test(first, second):.3g} (ties left out)"
    if controls:
        line += f"; a side picked on {picked} of {controls} control sheets"
    typer.echo(line)


def _single_ratings(folders: list[Path], keys: list[Path]) -> None:
    from harmonize.tools.bench.ab_sheets import score_single_ratings

    judged = []
    for folder, key in zip(folders, keys, strict=True):
        scores = score_single_ratings(folder, key)
        named = f" ({', '.join(scores.ghosts)})" if scores.ghosts else ""
        typer.echo(
            f"{folder}: solid {scores.solid:.3g}, painted_in {scores.painted_in:.3g}, rated {scores.rated}, "
            f"ghosts {len(scores.ghosts)}{named}"
        )
        judged.append(scores)
    solid = sum(scores.solid for scores in judged) / len(judged)
    painted = sum(scores.painted_in for scores in judged) / len(judged)
    ghosts = sum(len(scores.ghosts) for scores in judged)
    typer.echo(f"all {len(judged)} judges: solid {solid:.3g}, painted_in {painted:.3g}, ghosts on {ghosts} sheets")


def _agreement(folders: list[Path], keys: list[Path], out: Path | None) -> None:
    from harmonize.tools.bench.agreement import agreement, judged_results

    report = agreement(judged_results(folders, keys))
    for name, values in report.items():
        typer.echo(f"{name}: " + ", ".join(f"{field} {value:.3g}" for field, value in values.items()))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "agreement.json").write_text(json.dumps(report, indent=2))
        typer.echo(f"wrote {out / 'agreement.json'}")


def _rescore(bench_json: Path, out: Path) -> None:
    from harmonize.tools.bench.pairs_report import write_pairs_report
    from harmonize.tools.bench.rescore import rescored
    from harmonize.tools.bench.runner import read_records

    records = [rescored(record) for record in read_records(bench_json)]
    out.mkdir(parents=True, exist_ok=True)
    write_pairs_report(records, [], out)
    typer.echo(f"wrote {out}/bench.md")


def _survival_authors(folder: Path, out: Path | None) -> None:
    from harmonize.tools.bench.authors_local import authors_local, local_distribution, local_table
    from harmonize.tools.bench.authors_survival import (
        authors_examples,
        authors_survival,
        distribution_table,
        survival_table,
    )

    names = authors_examples(folder)
    if not names:
        raise ValueError(
            f"{folder} has no example with N_naive.jpg, N_target.jpg, both masks and the authors' "
            "N_final_res.png and N_final_res2.png."
        )
    measures = {name: authors_survival(folder, name) for name in names}
    local = {name: authors_local(folder, name) for name in names}
    text = (
        f"{survival_table(measures)}\n\n{distribution_table(measures)}\n\n"
        f"{local_table(local)}\n\n{local_distribution(local)}\n"
    )
    typer.echo(text)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "survival-authors.md").write_text(text)
        typer.echo(f"wrote {out}/survival-authors.md")
