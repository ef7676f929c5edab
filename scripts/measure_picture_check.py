"""The picture check's scores and speed on benign pictures: the figures of docs/design/moderation.md.

    .venv/bin/python scripts/measure_picture_check.py [--data ../shared/data/dph] [--threads 2]

Scores the 14 paintings of the paper's examples (`*_target.jpg`), their naive pastes
(`*_naive.jpg`) and the authors' results (`*_final_res2.png`) when the folder is there, and
scikit-image's photographs, with the open_nsfw model the bot uses (bot/core/admin/picture_check.py),
onnxruntime held to `--threads` threads. Prints one line per picture, the highest score, and the
median and slowest seconds per picture (decoding included, as the bot runs it).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from PIL import Image

from bot.core.admin.picture_check import PictureCheck
from harmonize.tools.cutout_bench.cases import photo

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dph"
KINDS = ("target.jpg", "naive.jpg", "final_res2.png")  # the painting, the naive paste, the authors' result
PHOTOS = (  # scikit-image's 8-bit pictures that ship with it (no download)
    "astronaut", "brick", "camera", "chelsea", "clock", "coffee", "coins", "colorwheel", "grass", "gravel",
    "hubble_deep_field", "immunohistochemistry", "logo", "moon", "page", "rocket", "text", "retina", "cell",
)  # fmt: skip


def png_bytes(name: str) -> bytes:
    """scikit-image's photo `name` as a PNG file."""
    buffer = io.BytesIO()
    image = photo(name)
    Image.fromarray(image).save(buffer, "PNG")
    return buffer.getvalue()


def pictures(data: Path) -> list[tuple[str, bytes]]:
    """(name, file bytes) of every picture measured."""
    found: list[tuple[str, bytes]] = []
    for kind in KINDS:
        paths = sorted(data.glob(f"*_{kind}"), key=lambda path: int(path.name.split("_")[0]))
        found += [(path.name, path.read_bytes()) for path in paths]
    return found + [(f"skimage.{name}", png_bytes(name)) for name in PHOTOS]


def main() -> None:
    """Score every picture and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    check = PictureCheck(threads=args.threads)
    print(f"model loaded (checksum included) in {time.perf_counter() - started:.2f} s")
    seconds, scores = [], {}
    for name, data in pictures(args.data):
        started = time.perf_counter()
        scores[name] = check.score(data)
        seconds.append(time.perf_counter() - started)
        print(f"{name:28s} {scores[name]:.4f}")
    worst = max(scores, key=lambda name: scores[name])
    print(f"{len(scores)} pictures; highest score {scores[worst]:.4f} ({worst})")
    print(f"seconds per picture: median {statistics.median(seconds):.3f}, slowest {max(seconds):.3f}")


if __name__ == "__main__":
    main()
