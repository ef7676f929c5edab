"""bench.md's ratios and means, and reusing an earlier run's reference records."""

import numpy as np
import pytest

from harmonize.imageio import save_png
from harmonize.tools.bench.report import write_report
from harmonize.tools.bench.runner import RunRecord, load_records


def record(tmp_path, preset: str, total: float, gram: float, ssim: float, example: str = "7", **quality) -> RunRecord:
    image = tmp_path / f"{preset}.png"
    save_png(image, np.full((16, 20, 3), 0.5, np.float32))
    return RunRecord(
        example,
        preset,
        {"total": total, "pass1": total / 2, "pass2": total / 2},
        100.0,
        {"gram_naive": 1.0, "gram_result": gram, "ssim_naive": ssim, **quality},
        {"pass2": str(image)},
        2,
        64,
    )


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    save_png(folder / "7_naive.jpg", np.zeros((32, 40, 3), np.float32))
    return folder


def test_ratios_compare_fast_with_reference(tmp_path, data):
    out = tmp_path / "out"
    out.mkdir()
    write_report([record(tmp_path, "fast", 10, 0.42, 0.76), record(tmp_path, "reference", 250, 0.40, 0.80)], data, out)
    table = (out / "bench.md").read_text()
    assert "| 7 | 25.0x | +5.0% | -5.0% |" in table
    assert (out / "panel_7.png").is_file()


def test_reference_records_are_reused_and_marked(tmp_path, data):
    out = tmp_path / "out"
    out.mkdir()
    write_report([record(tmp_path, "reference", 250, 0.40, 0.80)], data, out)
    earlier = load_records(out / "bench.json", "reference", 64)
    assert earlier["7"].seconds["total"] == 250 and earlier["7"].source == str(out / "bench.json")
    again = tmp_path / "again"
    again.mkdir()
    write_report([record(tmp_path, "fast", 10, 0.42, 0.76), earlier["7"]], data, again)
    assert "taken from" in (again / "bench.md").read_text()
    with pytest.raises(ValueError, match="no 'reference' runs at 700 px"):
        load_records(out / "bench.json", "reference", 700)


def test_a_run_of_several_examples_gets_a_mean_row_and_says_its_options(tmp_path, data):
    save_png(data / "8_naive.jpg", np.zeros((32, 40, 3), np.float32))
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        record(tmp_path, "fast", 10, 0.4, 0.7, "7", gram_pass2=0.5, ssim_paper_pass2=0.6),
        record(tmp_path, "fast", 10, 0.6, 0.9, "8", gram_pass2=0.7, ssim_paper_pass2=0.8),
    ]
    for run in runs:
        run.overrides = {"likeness": 0.0}
    write_report(runs, data, out)
    table = (out / "bench.md").read_text()
    assert "| mean of 2 | fast | | | | | | | 1.000 | 0.600 | 0.500 | 0.800 | 0.700 |" in table
    assert "Options on top of the fast preset: {'likeness': 0.0}." in table
