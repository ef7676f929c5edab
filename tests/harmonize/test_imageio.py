"""Image reading: EXIF orientation, and one clear error for files that are not images."""

import io

import numpy as np
import pytest
from PIL import Image

from harmonize.imageio import ImageError, load_rgb, load_rgba

EXIF_ORIENTATION = 0x0112  # TIFF/EXIF tag; 6 = "rotate 90 degrees clockwise to display"


def phone_photo() -> bytes:
    """A 40x20 JPEG whose EXIF says it is shown rotated: 20 wide, 40 tall."""
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:, :20] = (255, 0, 0)  # left half red as stored
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[EXIF_ORIENTATION] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


@pytest.mark.parametrize("load", [load_rgb, load_rgba])
def test_exif_orientation_is_applied(load):
    image = load(phone_photo())
    assert image.shape[:2] == (40, 20)
    assert image[5, 10, 0] > image[35, 10, 0]  # the stored left half is now on top


def test_not_an_image_is_one_clear_error():
    with pytest.raises(ImageError, match="not an image"):
        load_rgb(b"certainly not a picture")
