"""bench.md's ratios, and reusing an earlier run's reference records."""

import numpy as np
import pytest

from harmonize.bench.report import write_report
from harmonize.bench.runner import RunRecord, load_records
from harmonize.imageio import save_png


def record(tmp_path, preset: str, total: float, gram: float, ssim: float) -> RunRecord:
    image = tmp_path / f"{preset}.png"
    save_png(image, np.full((16, 20, 3), 0.5, np.float32))
    return RunRecord(
        "7",
        preset,
        {"total": total, "pass1": total / 2, "pass2": total / 2},
        100.0,
        {"gram_naive": 1.0, "gram_result": gram, "ssim_naive": ssim},
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
