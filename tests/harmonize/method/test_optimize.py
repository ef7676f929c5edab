"""L-BFGS: the authors' settings, and the guard that restarts a diverging run from a sane image."""

import math

import torch

from harmonize.method.optimize import LOSS_RISE, MAX_ABS_VALUE, run_lbfgs


def _quadratic(target: torch.Tensor):
    def evaluate(x: torch.Tensor) -> float:
        x.grad = (x - target).detach().clone()
        return 0.5 * float((x - target).pow(2).sum())

    return evaluate


def test_a_converging_run_equals_plain_lbfgs():
    target = torch.linspace(-50, 50, 12).reshape(1, 3, 2, 2)
    start = torch.zeros(1, 3, 2, 2)
    ours = run_lbfgs(start, _quadratic(target), 20, 0.1, -1.0, -1.0)
    x = start.clone().requires_grad_(True)
    plain = torch.optim.LBFGS(
        [x],
        lr=0.1,
        max_iter=19,
        max_eval=20,
        history_size=100,
        tolerance_grad=-1.0,
        tolerance_change=-1.0,
        line_search_fn=None,
    )

    def closure():
        plain.zero_grad()
        return _quadratic(target)(x)

    plain.step(closure)
    assert torch.equal(ours, x.detach())


def test_a_diverging_run_restarts_and_returns_a_sane_finite_image():
    calls = []

    def uphill(x: torch.Tensor) -> float:  # its "gradient" points away from the minimum: L-BFGS runs off
        x.grad = (-3.0 * x - 1.0).detach().clone()
        calls.append(float(x.detach().abs().max()))
        return 0.5 * float(x.pow(2).sum())

    steps = []
    result = run_lbfgs(torch.ones(1, 3, 4, 4), uphill, 200, 1.0, -1.0, -1.0, on_step=lambda i, loss: steps.append(i))
    assert bool(torch.isfinite(result).all()) and float(result.abs().max()) <= MAX_ABS_VALUE
    assert max(calls) <= MAX_ABS_VALUE  # no evaluation ever saw a diverged image
    assert steps == sorted(steps) and steps[-1] == 200


def test_a_non_finite_loss_also_counts_as_divergence():
    def evaluate(x: torch.Tensor) -> float:
        x.grad = torch.ones_like(x)
        return math.inf if float(x.detach().min()) < -5 else float(x.sum())

    result = run_lbfgs(torch.zeros(1, 3, 2, 2), evaluate, 50, 1.0, -1.0, -1.0)
    assert float(result.min()) >= -5


def test_the_closing_step_shows_the_latest_loss_not_the_first() -> None:
    """The last image is not evaluated, so the closing progress step repeats the latest loss
    known; LBFGS.step returns the first evaluation's, which showed a finished run at its start."""
    target = torch.linspace(-50, 50, 12).reshape(1, 3, 2, 2)
    steps: list[tuple[int, float]] = []
    run_lbfgs(
        torch.zeros(1, 3, 2, 2),
        _quadratic(target),
        20,
        0.1,
        -1.0,
        -1.0,
        on_step=lambda i, loss: steps.append((i, loss)),
    )
    assert steps[-1][0] == 20 and steps[-1][1] == steps[-2][1] < steps[0][1]


def _away(x: torch.Tensor) -> float:
    """A loss whose "gradient" runs away from its minimum at 0, the values staying in range for a while."""
    x.grad = (-x - 0.01).detach().clone()
    return float(x.detach().pow(2).sum()) + 1.0


def test_a_climbing_loss_within_range_also_counts_as_divergence():
    """A run can leave its basin with every pixel in range: where asked (pass 2), a loss LOSS_RISE
    times the lowest seen restarts it from the lowest-loss image, so the result is never that far above it."""
    losses: list[float] = []

    def away(x: torch.Tensor) -> float:
        losses.append(_away(x))
        return losses[-1]

    result = run_lbfgs(torch.full((1, 3, 2, 2), 0.1), away, 60, 1.0, -1.0, -1.0, max_loss_rise=LOSS_RISE)
    assert float(result.abs().max()) < 1.0 < MAX_ABS_VALUE
    assert float(result.pow(2).sum()) + 1.0 <= LOSS_RISE * min(losses)
    assert max(losses) > LOSS_RISE * min(losses)  # the climb happened, and the guard caught it


def test_without_a_rise_limit_a_climbing_loss_runs_on():
    """Pass 1 keeps the authors' run: its climbs within range are not divergence."""
    result = run_lbfgs(torch.full((1, 3, 2, 2), 0.1), lambda x: _away(x), 8, 1.0, -1.0, -1.0)
    assert float(result.abs().max()) > 1.0
