"""The bad-input corpus through the engine's one reader (harmonize.imageio)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from harmonize.imageio import (
    MIN_SIDE_PX,
    WORKING_PIXELS,
    ImageError,
    load_rgb,
    read_object,
    read_painting,
)
from tests.support.bad_inputs import (
    ACCEPTED,
    CASES,
    FLAT_COLOUR,
    HUNDRED_MP,
    REFUSED,
    hundred_megapixel_jpeg,
)
from tests.support.wording import assert_one_clear_line


def write(tmp_path: Path, name: str) -> Path:
    """The case's bytes in a file of its own name."""
    case = CASES[name]
    path = tmp_path / case.filename
    path.write_bytes(case.make())
    return path


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("read", [read_painting, read_object])
def test_each_refusal_is_one_clear_line_with_its_reason(tmp_path, name, read) -> None:
    path = write(tmp_path, name)
    with pytest.raises(ImageError) as caught:
        read(path)
    assert caught.value.reason == CASES[name].reason, caught.value.message
    assert caught.value.message.startswith(str(path)), caught.value.message
    assert_one_clear_line(caught.value.message)


@pytest.mark.parametrize("name", REFUSED)
def test_bytes_are_named_as_the_caller_says(name) -> None:
    with pytest.raises(ImageError) as caught:
        read_painting(CASES[name].make(), "The painting")
    assert caught.value.message.startswith("The painting ")


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_cases_read_as_8_bit_pictures_within_the_working_cap(name) -> None:
    painting = read_painting(CASES[name].make())
    photo = read_object(CASES[name].make())
    assert painting.dtype == np.float32 and painting.ndim == 3 and painting.shape[2] == 3
    assert 0.0 <= painting.min() and painting.max() <= 1.0
    assert photo.dtype == np.uint8 and photo.shape[2] in (3, 4)
    for image in (painting, photo):
        assert MIN_SIDE_PX <= min(image.shape[:2]) and image.shape[0] * image.shape[1] <= WORKING_PIXELS


def test_16_bit_greyscale_keeps_its_tones() -> None:
    grey = read_painting(CASES["16-bit greyscale"].make())
    expected = np.linspace(0, 0.6, 64)  # the ramp, 16-bit full scale -> [0, 1]
    assert np.allclose(grey[0, :, 0], expected, atol=1 / 255)
    assert np.allclose(grey[..., 0], grey[..., 2])


@pytest.mark.parametrize("name", ["100 MP PNG", "100 MP JPEG"])
def test_a_100_megapixel_photo_is_downsampled_not_refused(name) -> None:
    image = read_painting(CASES[name].make())
    height, width = image.shape[:2]
    assert 0.9 * WORKING_PIXELS < width * height <= WORKING_PIXELS
    assert width / height == pytest.approx(HUNDRED_MP[0] / HUNDRED_MP[1], rel=0.01)
    assert np.allclose(
        image.mean(axis=(0, 1), dtype=np.float64),
        np.array(FLAT_COLOUR) / 255,
        atol=3 / 255,
    )


def test_a_cmyk_jpeg_has_its_colours() -> None:
    red, green, blue = read_painting(CASES["CMYK JPEG"].make()).mean(axis=(0, 1))
    assert red > 0.8 and green < 0.2 and blue < 0.2  # no cyan, full magenta and yellow: red


def test_exif_orientation_is_applied_for_both_roles() -> None:
    data = CASES["EXIF-rotated photo"].make()
    for image in (read_painting(data), read_object(data) / 255.0, load_rgb(data)):
        assert image.shape[:2] == (64, 40)
        assert image[5, 20, 0] > 0.8 > image[60, 20, 0]  # the stored left half is now on top


def test_alpha_policy_painting_flattened_onto_white_object_keeps_it() -> None:
    data = CASES["palette with transparency"].make()
    painting, photo = read_painting(data), read_object(data)
    assert np.all(painting[:, :32] == 1.0) and painting[:, 32:].min() < 0.5
    assert photo.shape[2] == 4 and np.all(photo[:, :32, 3] == 0) and np.all(photo[:, 32:, 3] == 255)


def test_an_opaque_photo_has_no_alpha_channel() -> None:
    assert read_object(CASES["EXIF-rotated photo"].make()).shape[2] == 3


def test_a_missing_file_is_one_line(tmp_path) -> None:
    with pytest.raises(ImageError) as caught:
        read_painting(tmp_path / "nowhere.png")
    assert caught.value.reason == "missing"
    assert_one_clear_line(caught.value.message)


READ_AND_REPORT = """
import re, sys
from pathlib import Path
from harmonize.imageio import read_object
photo = read_object(sys.argv[1])
peak_kib = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(photo.shape[0] * photo.shape[1], int(peak_kib) // 1024)
"""
FULL_DECODE_MB = HUNDRED_MP[0] * HUNDRED_MP[1] * 3 // 2**20  # 288 MiB of RGB pixels


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_a_100_megapixel_jpeg_is_never_decoded_at_full_size(tmp_path) -> None:
    path = tmp_path / "huge.jpg"
    path.write_bytes(hundred_megapixel_jpeg())
    done = subprocess.run(
        [sys.executable, "-c", READ_AND_REPORT, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    pixels, peak_mib = map(int, done.stdout.split())
    assert pixels <= WORKING_PIXELS
    assert peak_mib < FULL_DECODE_MB, f"peak {peak_mib} MiB: the photo was decoded at full size"
