"""Run cut-out methods over the ground-truth cases and the four photos; collect their scores."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from harmonize.cutout import CutoutError, Cutter
from harmonize.tools.cutout_bench.cases import Case
from harmonize.tools.cutout_bench.metrics import boundary_f, edge_colour_error, iou, see_through

log = logging.getLogger(__name__)


@dataclass
class CaseScore:
    """One method on one case: IoU, boundary F, see-through share, edge colour error (None without a
    soft edge or a known truth), seconds, and the failure message if it raised."""

    case: str
    iou: float
    boundary_f: float
    see_through: float
    edge_de: float | None
    seconds: float
    error: str | None = None


@dataclass
class MethodScores:
    """All cases of one method, with its predicted masks kept for the sheet."""

    method: str
    scores: list[CaseScore] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Mean IoU, boundary F, see-through and edge dE, share of cases at IoU >= 0.9, failures and mean seconds."""
        ious = np.array([s.iou for s in self.scores])
        edges = [s.edge_de for s in self.scores if s.edge_de is not None]
        return {
            "mean_iou": float(ious.mean()),
            "median_iou": float(np.median(ious)),
            "share_iou_0_9": float((ious >= 0.9).mean()),
            "mean_boundary_f": float(np.mean([s.boundary_f for s in self.scores])),
            "mean_see_through": float(np.mean([s.see_through for s in self.scores])),
            "mean_edge_de": float(np.mean(edges)) if edges else 0.0,
            "failures": sum(s.error is not None for s in self.scores),
            "mean_seconds": float(np.mean([s.seconds for s in self.scores])),
        }


def available_methods(cutter: Cutter, candidates: list[str]) -> tuple[list[str], dict[str, str]]:
    """The candidates whose back end `cutter` can build here, and why each other one cannot."""
    usable, skipped = [], {}
    for method in candidates:
        try:
            cutter.backend(method)
        except CutoutError as error:
            skipped[method] = str(error)
            continue
        usable.append(method)
    return usable, skipped


def score_method(cutter: Cutter, method: str, cases: list[Case], boxed: bool = False) -> MethodScores:
    """Cut every case out with `method` (cleaned as cut_out does) and score it against the truth.

    boxed: each method is given the object's true box plus a margin, as a user's box would be.
    """
    result = MethodScores(method)
    for case in cases:
        start = time.perf_counter()
        error = None
        edge_de = None
        try:
            alpha, used = cutter.matte(case.photo, method, case.box() if boxed else None)
            if case.alpha is not None and case.colours is not None:
                colours = cutter.object_colours(case.photo, alpha, used).astype(np.float32) / 255.0
                edge_de = edge_colour_error(colours, alpha, case.colours, case.alpha)
        except CutoutError as failure:  # an empty or full cut-out scores as nothing found
            alpha, error = np.zeros(case.truth.shape, np.float32), str(failure)
        seconds = time.perf_counter() - start
        found = alpha > 0.5
        scores = (iou(found, case.truth), boundary_f(found, case.truth), see_through(alpha, case.truth))
        result.scores.append(CaseScore(case.name, *scores, edge_de, seconds, error))
        result.masks.append(found)
        log.info("%s on %s: IoU %.3f", method, case.name, result.scores[-1].iou)
    return result


def photo_cutouts(
    cutter: Cutter, photos: dict[str, np.ndarray], methods: list[str]
) -> dict[str, list[np.ndarray | None]]:
    """Each method's cleaned (h, w) alpha for each photo ("auto" included); None where it failed."""
    mattes: dict[str, list[np.ndarray | None]] = {}
    for method in methods:
        mattes[method] = []
        for name, photo in photos.items():
            try:
                alpha, used = cutter.matte(photo, method)
                log.info("%s on %s: by %s", method, name, used)
            except CutoutError as error:
                log.warning("%s on %s failed: %s", method, name, error)
                alpha = None
            mattes[method].append(alpha)
    return mattes
