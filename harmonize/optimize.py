"""L-BFGS over the image, as the authors ran torch7 `optim.lbfgs` (ALGORITHM.md §3.4, §4.4)."""

from __future__ import annotations

from typing import Callable

import torch

HISTORY = 100  # lbfgs nCorrection (§3.4)


def run_lbfgs(
    image: torch.Tensor,
    evaluate: Callable[[torch.Tensor], float],
    iterations: int,
    learning_rate: float,
    tolerance_grad: float,
    tolerance_change: float,
    on_step: Callable[[int, float], None] | None = None,
) -> torch.Tensor:
    """Minimise with L-BFGS (no line search) and return the image of evaluation #iterations.

    `evaluate(x)` must fill x.grad and return the loss. torch7 saves the image after
    iterations - 1 updates, so PyTorch is asked for that many (§3.4).
    """
    x = image.detach().clone().requires_grad_(True)
    updates = max(1, iterations - 1)
    optimiser = torch.optim.LBFGS(
        [x], lr=learning_rate, max_iter=updates, max_eval=updates + 1, history_size=HISTORY,
        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change, line_search_fn=None,
    )
    count = 0

    def closure() -> float:
        nonlocal count
        optimiser.zero_grad()
        loss = evaluate(x)
        count += 1
        if on_step is not None:
            on_step(count, loss)
        return loss

    final_loss = optimiser.step(closure)
    if on_step is not None and count < iterations:  # the last image is never evaluated here
        on_step(iterations, float(final_loss))
    return x.detach()
