"""tqdm progress bars for the engine's progress events, one bar per stage."""

from __future__ import annotations

from tqdm import tqdm

from harmonize.types import Progress

STAGE_LABELS = {"cutout": "cut-out", "pass1": "pass 1", "pass2": "pass 2", "post": "post-processing"}


class StageBars:
    """A progress callback that shows one bar per stage with the latest loss."""

    def __init__(self) -> None:
        self._bar: tqdm | None = None
        self._stage: str | None = None

    def __call__(self, event: Progress) -> None:
        """Advance (or open) the bar of `event.stage`."""
        if event.stage != self._stage:
            self.close()
            self._stage = event.stage
            self._bar = tqdm(total=event.total, desc=STAGE_LABELS.get(event.stage, event.stage), unit="it")
        assert self._bar is not None
        self._bar.n = event.step
        if event.loss is not None:
            self._bar.set_postfix(loss=f"{event.loss:.4g}", refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        """Close the open bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
