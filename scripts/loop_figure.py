"""The chat loop in pictures, from the bundled demo: the first preview, the preview after two
presses (▶, Bigger), the result at `draft` quality, and the animated before -> after the bot posts.

    .venv/bin/python scripts/loop_figure.py OUT_DIR

Writes OUT_DIR/loop.png (the three pictures side by side, labelled) and
OUT_DIR/loop-before-after.gif. The previews come from the bot's own renderer
(bot/core/chat/preview.py) and the result from the engine at the bot's draft quality, so the figure
shows what a chat user sees. Minutes on 2 CPU cores (one draft harmonization).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

import harmonize
from bot.core.chat.animation import before_after_gif
from bot.core.chat.loop_state import LoopState, moved, reliked, resized
from bot.core.chat.preview import PreviewRenderer, encode_png
from bot.core.settings import DEFAULT_QUALITIES
from harmonize.compare import labelled_row
from harmonize.cutout import Cutter
from harmonize.imageio import save_png
from harmonize.tools.demo.example import cup_placement, demo_inputs

PAINTING_SIDE = 640  # px: the demo painting as the user would upload it


async def previews(painting: Path, cutout: Path, first: LoopState) -> list[np.ndarray]:
    """The first preview and the one after ▶ and Bigger, as (H, W, 3) float32 in [0, 1]."""
    renderer = PreviewRenderer(Cutter())
    try:
        shown = [
            await renderer.render("figure", painting, cutout, state)
            for state in (first, resized(moved(first, 1, 0), 1))
        ]
    finally:
        renderer.close()
    return [np.asarray(Image.open(io.BytesIO(p.image)).convert("RGB"), np.float32) / 255.0 for p in shown]


def main() -> None:
    """Render the figure and the animation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for loop.png and loop-before-after.gif")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    demo = demo_inputs(PAINTING_SIDE)
    start = cup_placement()
    first = LoopState(x=start.x - 0.1, y=start.y, height=start.height / 1.2, method="alpha")
    with tempfile.TemporaryDirectory() as folder:
        painting, cutout = Path(folder) / "painting.png", Path(folder) / "cup.png"
        Image.fromarray(demo.painting).save(painting)
        cutout.write_bytes(encode_png(demo.object_rgba))
        before, after_moves = asyncio.run(previews(painting, cutout, first))
        final_state = resized(moved(first, 1, 0), 1)
        liked = reliked(final_state, 2)  # two presses of "More like the photo"
        harmonizer = harmonize.Harmonizer()
        painted = []
        for state in (final_state, liked):
            options = DEFAULT_QUALITIES["draft"].options().replace(likeness=state.likeness)
            result = harmonizer.run_object(
                demo.painting, demo.object_rgba, harmonize.Placement(state.x, state.y, state.height), options
            )
            painted.append(result.final if result.final is not None else result.pass2)
        save_png(Path(folder) / "naive.png", result.naive)
        save_png(Path(folder) / "final.png", painted[-1])
        (args.out / "loop-before-after.gif").write_bytes(
            before_after_gif(Path(folder) / "naive.png", Path(folder) / "final.png")
        )
    height = before.shape[0]
    scaled = [
        np.asarray(
            Image.fromarray(np.round(image * 255).astype(np.uint8)).resize(
                (round(image.shape[1] * height / image.shape[0]), height), Image.Resampling.LANCZOS
            ),
            np.float32,
        )
        / 255.0
        for image in painted
    ]
    panel = labelled_row(
        [
            ("1. preview", before),
            ("2. moved right, bigger", after_moves),
            (f"3. Paint it (draft, likeness {final_state.likeness:g})", scaled[0]),
            (f"4. More like the photo x2 (likeness {liked.likeness:g})", scaled[1]),
        ]
    )
    save_png(args.out / "loop.png", panel)
    print(f"wrote {args.out / 'loop.png'} and {args.out / 'loop-before-after.gif'}")


if __name__ == "__main__":
    main()
