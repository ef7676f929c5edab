"""`harmonize bench --sheets`: blind A/B sheets of two runs, single sheets of one, refused without --out."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from harmonize.cli.main import app
from harmonize.tools.bench.ab_sheets import CONTROL_SHEETS
from tests.harmonize.tools.bench.test_ab_sheets import CASES, fake_run

runner = CliRunner()


def test_two_runs_give_ab_sheets_and_one_run_single_sheets(tmp_path):
    fake_run(tmp_path / "a", "A")
    fake_run(tmp_path / "b", "B")
    ab = runner.invoke(
        app, ["bench", "--sheets", str(tmp_path / "a"), "--sheets", str(tmp_path / "b"), "--out", str(tmp_path / "ab")]
    )
    assert ab.exit_code == 0, ab.output
    key = json.loads((tmp_path / "ab" / "key.json").read_text())["sheets"]
    assert (
        len(key) == len(CASES) + CONTROL_SHEETS and sum(k.get("control", False) for k in key.values()) == CONTROL_SHEETS
    )
    assert (tmp_path / "ab" / "INSTRUCTIONS.md").read_text().startswith("# Judging instructions")
    one = runner.invoke(app, ["bench", "--sheets", str(tmp_path / "a"), "--out", str(tmp_path / "one")])
    assert one.exit_code == 0 and len(list((tmp_path / "one").glob("single_*.png"))) == len(CASES)


def test_sheets_need_an_out_folder(tmp_path):
    fake_run(tmp_path / "a", "A")
    refused = runner.invoke(app, ["bench", "--sheets", str(tmp_path / "a")])
    assert refused.exit_code != 0 and "--out" in refused.output


def test_ratings_are_scored_with_the_key(tmp_path):
    fake_run(tmp_path / "a", "A")
    fake_run(tmp_path / "b", "B")
    runner.invoke(
        app, ["bench", "--sheets", str(tmp_path / "a"), "--sheets", str(tmp_path / "b"), "--out", str(tmp_path / "s")]
    )
    key = json.loads((tmp_path / "s" / "key.json").read_text())["sheets"]
    real = next(sheet for sheet, entry in key.items() if not entry.get("control"))
    control = next(sheet for sheet, entry in key.items() if entry.get("control"))
    form = (tmp_path / "s" / "ratings.tsv").read_text().splitlines()
    (tmp_path / "s" / "ratings.tsv").write_text(
        "\n".join([form[0], f"{real}\t4\t3\t4\t3\t\t", f"{control}\t4\t2\t4\t3\t\tprefer right"]) + "\n"
    )
    scored = runner.invoke(app, ["bench", "--ratings", str(tmp_path / "s"), "--key", str(tmp_path / "s" / "key.json")])
    assert scored.exit_code == 0, scored.output
    assert "A: solid 4, painted_in 3, rated 1" in scored.output and "B: solid 4" in scored.output
    assert "controls (the same picture on both sides): rated 1, solid_gap 0, painted_in_gap 1, sides_picked 1" in (
        scored.output
    )
    from_file = runner.invoke(
        app, ["bench", "--ratings", str(tmp_path / "s" / "ratings.tsv"), "--key", str(tmp_path / "s" / "key.json")]
    )
    assert from_file.exit_code == 0 and from_file.output == scored.output


def test_several_judges_are_scored_one_by_one_then_pooled_with_a_sign_test(tmp_path):
    fake_run(tmp_path / "a", "A")
    fake_run(tmp_path / "b", "B")
    folders = []
    for judge in (1, 2):
        folder = tmp_path / f"judge{judge}"
        runner.invoke(
            app,
            ["bench", "--sheets", str(tmp_path / "a"), "--sheets", str(tmp_path / "b"), "--out", str(folder)]
            + ["--seed", str(judge)],
        )
        key = json.loads((folder / "key.json").read_text())["sheets"]
        form = (folder / "ratings.tsv").read_text().splitlines()
        rows = [form[0]]
        for sheet, entry in key.items():  # every judge prefers B wherever it is shown beside A
            side = "left" if entry["left"] == "B" else "right"
            rows.append(f"{sheet}\t4\t4\t4\t4\tnone\t" + ("tie" if entry.get("control") else f"prefer {side}"))
        (folder / "ratings.tsv").write_text("\n".join(rows) + "\n")
        folders.append(folder)
    args = ["bench", "--ratings", str(folders[0]), "--ratings", str(folders[1])]
    scored = runner.invoke(app, args + ["--key", str(folders[0] / "key.json"), "--key", str(folders[1] / "key.json")])
    assert scored.exit_code == 0, scored.output
    real = len(CASES)
    assert scored.output.count(f"preferred: A 0, B {real}, tie 0") == 2
    assert f"all 2 judges: preferred A 0, B {2 * real}, tie 0; sign test p " in scored.output
    assert f"a side picked on 0 of {2 * CONTROL_SHEETS} control sheets" in scored.output
    one_key = runner.invoke(app, args + ["--key", str(folders[0] / "key.json")])
    assert one_key.exit_code != 0 and "one --key per --ratings" in one_key.output


def test_single_sheets_of_several_judges_are_scored_and_pooled_apart_from_ab_sheets(tmp_path):
    fake_run(tmp_path / "a", "A")
    fake_run(tmp_path / "b", "B")
    args = []
    for judge, (solid, ghost) in enumerate(((4, "yes"), (2, "none"))):
        folder = tmp_path / f"judge{judge}"
        runner.invoke(app, ["bench", "--sheets", str(tmp_path / "a"), "--out", str(folder), "--seed", str(judge)])
        form = (folder / "ratings.tsv").read_text().splitlines()
        rows = [f"{line.split(chr(9))[0]}\t{solid}\t3\t{ghost}\tnote" for line in form[1:]]
        (folder / "ratings.tsv").write_text("\n".join([form[0], *rows]) + "\n")
        args += ["--ratings", str(folder), "--key", str(folder / "key.json")]
    scored = runner.invoke(app, ["bench", *args])
    assert scored.exit_code == 0, scored.output
    assert f"solid 4, painted_in 3, rated {len(CASES)}, ghosts {len(CASES)}" in scored.output
    assert f"all 2 judges: solid 3, painted_in 3, ghosts on {len(CASES)} sheets" in scored.output
    runner.invoke(
        app, ["bench", "--sheets", str(tmp_path / "a"), "--sheets", str(tmp_path / "b"), "--out", str(tmp_path / "ab")]
    )
    ab = ["--ratings", str(tmp_path / "ab"), "--key", str(tmp_path / "ab" / "key.json")]
    mixed = runner.invoke(app, ["bench", *args[:4], *ab])
    assert mixed.exit_code == 0, mixed.output
    assert "all 1 judges: solid 4" in mixed.output and "all 1 judges: preferred" in mixed.output  # each kind apart
