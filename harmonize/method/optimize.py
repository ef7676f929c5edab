"""L-BFGS over the image, as the authors ran torch7 `optim.lbfgs` (docs/algorithm.md §3.4, §4.4).

One guard is ours: L-BFGS without a line search, fed pass 2's per-node normalised gradients
(which are not the gradient of one function), can take a step so large that the image leaves
any sensible range and the losses overflow (dph example 0 at 256 px with the fast preset went
to a style loss of 1e29 within 15 evaluations, then NaN). A run can also leave its basin without
overflowing: the loss climbs while every pixel stays in range (a posterised, holed result on one
GPU run of a rule-built pair, docs/design/painted-in.md). When an evaluation sees a non-finite
loss, an image far outside the valid range, or (where the caller asks, pass 2) a loss LOSS_RISE
times the lowest seen, the optimisation restarts from the lowest-loss image with a fresh history and half the learning
rate, for the evaluations that are left. Runs that never diverge are unchanged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import torch

HISTORY = 100  # lbfgs nCorrection (§3.4)
MAX_ABS_VALUE = 512.0  # Caffe space: valid pixels lie in [-124, 152]; twice the 256 range means divergence
MAX_RESTARTS = 4  # each halves the learning rate
# Pass 2's trigger. Measured with the standard preset at 700 px on rule pairs 14 in 15, 3 in 9 and
# 20 in 2: pass 2 climbs at most 1.02 times its lowest loss. Pass 1 is left without it: the
# authors' first steps there climb more than tenfold on many cases before their tolerance stop.
LOSS_RISE = 10.0

log = logging.getLogger(__name__)


class _Diverged(Exception):
    """An evaluation saw a non-finite loss, an image outside MAX_ABS_VALUE or a loss too far above the lowest."""


def run_lbfgs(
    image: torch.Tensor,
    evaluate: Callable[[torch.Tensor], float],
    iterations: int,
    learning_rate: float,
    tolerance_grad: float,
    tolerance_change: float,
    on_step: Callable[[int, float], None] | None = None,
    max_loss_rise: float = math.inf,
) -> torch.Tensor:
    """Minimise with L-BFGS (no line search) and return the image of evaluation #iterations.

    `evaluate(x)` must fill x.grad and return the loss. torch7 saves the image after
    iterations - 1 updates, so PyTorch is asked for that many (§3.4). An evaluation whose loss is
    above max_loss_rise times the lowest seen counts as divergence.
    """
    x = image.detach().clone().requires_grad_(True)
    best = x.detach().clone()  # the lowest-loss image evaluated so far
    best_loss = math.inf
    count = 0
    last_loss = math.nan  # of the latest evaluation (LBFGS.step returns the first one's)

    def closure() -> float:
        nonlocal count, last_loss, best_loss
        optimiser.zero_grad()
        if not bool(torch.isfinite(x).all()) or float(x.detach().abs().max()) > MAX_ABS_VALUE:
            raise _Diverged
        loss = evaluate(x)
        if not math.isfinite(loss) or loss > max_loss_rise * best_loss:
            raise _Diverged
        if loss < best_loss:
            best.copy_(x.detach())
            best_loss = loss
        count += 1
        last_loss = loss
        if on_step is not None:
            on_step(count, loss)
        return loss

    rate = learning_rate
    for restart in range(MAX_RESTARTS + 1):
        updates = max(1, iterations - 1 - count)
        optimiser = torch.optim.LBFGS(
            [x],
            lr=rate,
            max_iter=updates,
            max_eval=updates + 1,
            history_size=HISTORY,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            line_search_fn=None,
        )
        try:
            optimiser.step(closure)
            break
        except _Diverged:
            log.warning(
                "L-BFGS diverged after %d evaluations: restarting from the lowest-loss image at lr %g", count, rate / 2
            )
            with torch.no_grad():
                x.copy_(best)
            rate /= 2
            if restart == MAX_RESTARTS or count >= iterations - 1:
                break
    if on_step is not None and count < iterations:  # the last image is never evaluated: its
        on_step(iterations, last_loss)  # step shows the latest loss known
    return x.detach()
