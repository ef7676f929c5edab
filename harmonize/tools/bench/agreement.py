"""Do the measures agree with the judges? Blind ratings against the bench's measures (issue 23's third bar).

Every judged sheet rates two finals (or one run's final twice, a control, left out here). Pooled
over judges, each judged result (a run's final of one case) gets the share of its judges who saw
a ghost on it and its mean ratings; the measures are computed on the same final
(harmonize/tools/bench/local_survival.py, painted_in.py). The report asks:

- how well the judges agree with one another (split-half: the judges of each result split at
  random into halves, Spearman between the halves' means), the ceiling any measure can reach;
- for each local survives part, whether it ranks the judged ghosts (AUC for "a ghost to at
  least half its judges", and Spearman with the ghost share within a case, across its versions);
- for each painted-in part, Spearman with the mean painted-in rating.

docs/design/painted-in.md, "Do the measures agree with the judges?", holds its findings.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import mannwhitneyu, spearmanr

from harmonize.tools.bench.ab_sheets import read_ratings, side_score
from harmonize.tools.bench.local_survival import local_survival
from harmonize.tools.bench.painted_in import painted_in
from harmonize.tools.bench.run_folder import records_by_case, run_final, run_input, run_mask

GHOST_SHARE = 0.5  # a result is a ghost when at least this share of its judges saw one on it
SPLIT_ROUNDS = 200  # random splits of the judges averaged for the split-half agreement
SPLIT_SEED = 0
MIN_SPLIT_RATINGS = 4  # results with fewer ratings are left out of the split-half agreement
MIN_VERSIONS = 3  # a case needs this many judged versions for a within-case Spearman
# Which way each part points: +1 where a higher value means more of a ghost (merged), -1 where lower does.
GHOST_WARD = {"thin": -1.0, "near": -1.0, "cells": -1.0, "merged": 1.0}
PAINTED_PARTS = ("palette", "marks", "painted_in")


@dataclass(frozen=True)
class Rating:
    """One judge's rating of one side of a sheet."""

    judge: str
    solid: float
    painted_in: float
    ghost: bool


Result = tuple[str, str]  # (the run's folder as its key names it, the case)


def judged_results(folders: list[Path], keys: list[Path]) -> dict[Result, list[Rating]]:
    """Every judged result's ratings: one sheets folder (the judge's ratings.tsv) and its key.json each.

    A/B sheets and single sheets alike; control sheets and rows with a blank rating are left out;
    a folder is its judge's name.
    """
    results: dict[Result, list[Rating]] = defaultdict(list)
    for folder, key in zip(folders, keys, strict=True):
        written = json.loads(key.read_text())
        if "run" in written:  # single sheets: one run, the side called "result"
            written = {
                "runs": {"result": written["run"]},
                "sheets": {name: {**placed, "result": "result"} for name, placed in written["sheets"].items()},
            }
        for row in read_ratings(folder):
            placed = written["sheets"][row["sheet"]]
            if placed.get("control"):
                continue
            seen = (row.get("ghost_seen") or "").strip().lower()
            seen = "result" if seen == "yes" else seen
            for side in [side for side in ("left", "right", "result") if side in placed]:
                solid, painted = (side_score(row, axis, side) for axis in ("solid", "painted_in"))
                if solid is not None and painted is not None:
                    rating = Rating(str(folder), solid, painted, seen in (side, "both"))
                    results[(written["runs"][placed[side]], placed["case"])].append(rating)
    return dict(results)


def _axis(rating: Rating, axis: str) -> float:
    return float(rating.ghost) if axis == "ghost" else float(getattr(rating, axis))


def split_half(results: dict[Result, list[Rating]], axis: str, within_case: bool = False) -> float:
    """Mean Spearman between two random halves of each result's judges, on `axis` ("solid", "painted_in", "ghost").

    within_case: per case across its versions (averaged over the cases), rather than over all results.
    nan when too few results have MIN_SPLIT_RATINGS ratings.
    """
    rng = np.random.default_rng(SPLIT_SEED)
    kept = {result: ratings for result, ratings in results.items() if len(ratings) >= MIN_SPLIT_RATINGS}
    groups = _by_case(list(kept)) if within_case else {"all": list(kept)}
    rhos = []
    for _ in range(SPLIT_ROUNDS):
        for members in groups.values():
            halves = []
            for result in members:
                ratings, order = kept[result], rng.permutation(len(kept[result]))
                half = len(ratings) // 2
                halves.append(
                    [np.mean([_axis(ratings[i], axis) for i in part]) for part in (order[:half], order[half:])]
                )
            rhos.append(_spearman(*zip(*halves, strict=True)) if len(halves) >= MIN_VERSIONS else math.nan)
    return _mean(rhos)


def ghost_auc(scores: list[float], ghosts: list[bool]) -> float:
    """The chance that a ghost scores higher than a result without one (ties count half); nan parts left out."""
    score, ghost = np.asarray(scores, float), np.asarray(ghosts, bool)
    ghost, score = ghost[~np.isnan(score)], score[~np.isnan(score)]
    if not ghost.any() or ghost.all():
        return math.nan
    return float(mannwhitneyu(score[ghost], score[~ghost]).statistic / (ghost.sum() * (~ghost).sum()))


def result_measures(run: Path, case: str) -> dict[str, float]:
    """The local survives and painted-in parts of one judged result (its run's bench.json names its files)."""
    record = records_by_case(run)[case]
    final, naive, painting = run_final(record, run), run_input(record, run, "naive"), run_input(record, run, "painting")
    tight = run_mask(record, run)
    local = local_survival(final, naive, painting, tight)
    painted = painted_in(final, painting, tight, run_mask(record, run, "dilated_mask") > 0.5)
    return {
        **{part: float(getattr(local, part)) for part in GHOST_WARD},
        **{part: float(getattr(painted, part)) for part in PAINTED_PARTS},
    }


def agreement(
    results: dict[Result, list[Rating]], measure: Callable[[Path, str], dict[str, float]] = result_measures
) -> dict[str, dict[str, float]]:
    """The report: the judges' own agreement per axis, and each part's agreement with them (see the module)."""
    table = []
    for (run, case), ratings in sorted(results.items()):
        judged = {
            "ghost": float(np.mean([r.ghost for r in ratings])),
            "painted_in_rating": float(np.mean([r.painted_in for r in ratings])),
        }
        table.append(((run, case), judged, measure(Path(run), case)))
    cases = _by_case([result for result, _, _ in table])
    row_of = {result: (judged, parts) for result, judged, parts in table}
    report: dict[str, dict[str, float]] = {
        "judges": {
            "results": float(len(table)),
            "ratings": float(sum(len(ratings) for ratings in results.values())),
            **{f"split_half_{axis}": split_half(results, axis) for axis in ("solid", "painted_in", "ghost")},
            **{
                f"split_half_{axis}_within_case": split_half(results, axis, within_case=True)
                for axis in ("solid", "painted_in", "ghost")
            },
        }
    }
    ghosts = [judged["ghost"] >= GHOST_SHARE for _, judged, _ in table]
    for part, way in GHOST_WARD.items():
        within = [
            _spearman([way * row_of[r][1][part] for r in members], [row_of[r][0]["ghost"] for r in members])
            for members in cases.values()
        ]
        report[part] = {
            "ghost_auc": ghost_auc([way * parts[part] for _, _, parts in table], ghosts),
            "within_case_spearman_with_ghost_share": _mean(within),
        }
    for part in PAINTED_PARTS:
        values = [parts[part] for _, _, parts in table]
        report[part] = {"spearman_with_painted_in": _spearman(values, [j["painted_in_rating"] for _, j, _ in table])}
    return report


def _by_case(results: list[Result]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        groups[result[1]].append(result)
    return dict(groups)


def _spearman(first, second) -> float:
    """Spearman's rho of two sequences over the places where both are numbers; nan under MIN_VERSIONS or no spread."""
    a, b = np.asarray(first, float), np.asarray(second, float)
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    if len(a) < MIN_VERSIONS or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    return float(spearmanr(a, b).statistic)


def _mean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan
