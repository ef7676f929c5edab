"""The side-by-side picture: painting, naive paste, pass 1, pass 2 and final, labelled."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from harmonize.imageio import to_uint8
from harmonize.types import HarmonizeResult

GAP = 6  # px between panels
LABEL_HEIGHT_FRACTION = 0.07  # label strip height relative to the image height


def labelled_row(images: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """(H + label, sum W + gaps, 3) float32: images side by side with their labels above."""
    height = max(image.shape[0] for _, image in images)
    strip = max(18, int(height * LABEL_HEIGHT_FRACTION))
    width = sum(image.shape[1] for _, image in images) + GAP * (len(images) - 1)
    canvas = Image.new("RGB", (width, height + strip), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=int(strip * 0.7))
    x = 0
    for label, image in images:
        canvas.paste(Image.fromarray(to_uint8(image)), (x, strip))
        draw.text((x + image.shape[1] // 2, strip // 2), label, fill=(20, 20, 20), font=font, anchor="mm")
        x += image.shape[1] + GAP
    return np.asarray(canvas, dtype=np.float32) / 255.0


def compare_panel(result: HarmonizeResult) -> np.ndarray:
    """The labelled side-by-side of a result: painting / naive / pass 1 / pass 2 [/ final]."""
    columns = [
        ("painting", result.painting),
        ("naive paste", result.naive),
        ("pass 1", result.pass1),
        ("pass 2", result.pass2),
    ]
    if result.final is not None:
        columns.append(("final", result.final))
    return labelled_row(columns)
