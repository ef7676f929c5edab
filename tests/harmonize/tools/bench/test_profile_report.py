"""`harmonize bench --profile`'s table: the columns add up to the end-to-end time; ratios are to fast."""

from harmonize.tools.bench.profile_report import append_profile, column_seconds, end_to_end, profile_line, profile_table
from harmonize.tools.bench.runner import RunRecord

SECONDS = {
    "network": 5.0,
    "read": 1.0,
    "load": 0.5,
    "levels": 0.5,
    "painting features": 2.0,
    "pass1": 9.0,
    "pass1 matching": 1.0,
    "pass1 evaluations": 7.0,
    "pass2": 30.0,
    "pass2 matching": 1.0,
    "pass2 targets": 1.0,
    "pass2 evaluations": 27.0,
    "post": 3.0,
    "total": 44.0,  # 1 s of it in no column: "other"
    "write": 1.0,
}


def record(preset: str, scale: float, window: int, example: str = "7") -> RunRecord:
    seconds = {k: v * scale for k, v in SECONDS.items()}
    runs = [{"stage": "pass1", "size": [20, 30], "window": [10, 10], "window_pixels": 100, "iterations": 30,
             "evaluations": 29},
            {"stage": "pass2", "size": [40, 60], "window": [window, 1], "window_pixels": window, "iterations": 50,
             "evaluations": 49}]  # fmt: skip
    return RunRecord(example, preset, seconds, 100.0, {}, {}, 1, 64, cpu_seconds=seconds, optimisations=runs)


def test_columns_add_up_to_the_end_to_end_time():
    columns = column_seconds(SECONDS)
    assert end_to_end(SECONDS) == 46.0  # read + total + write; loading the network is not a user's wait
    assert sum(columns.values()) == 46.0
    assert columns["read + resize"] == 2.0 and columns["matching"] == 3.0 and columns["other"] == 1.0


def test_the_table_sorts_by_window_and_gives_ratios_to_fast(tmp_path):
    runs = [record("fast", 1.0, 900), record("quick", 0.5, 900), record("fast", 2.0, 400, example="8")]
    table = profile_table(runs)
    assert [row.split(" | ")[0] for row in table[2:]] == ["| 8", "| 7", "| 7"]
    assert table[3].endswith("| 46.0 | 46.0 | 1.00 |") and table[4].endswith("| 23.0 | 23.0 | 0.50 |")
    (tmp_path / "bench.md").write_text("runs\n")
    append_profile(runs, tmp_path)
    text = (tmp_path / "bench.md").read_text()
    assert text.startswith("runs\n") and "- 7 quick: pass1 29 @ 30x20 (w 100 px); pass2 49 @ 60x40 (w 900 px)" in text
    assert "pass2 49 @ 60x40" in profile_line(runs[0])
