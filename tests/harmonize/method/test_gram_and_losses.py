"""Masked Gram matrices and the loss gradients against their definitions."""

import numpy as np
import torch

from harmonize.method.losses.content_loss import pass1_content
from harmonize.method.losses.gram import masked_gram
from harmonize.method.losses.style_loss import pass1_style
from harmonize.method.losses.total_variation import tv_gradient, tv_value


def test_masked_gram_on_a_toy_tensor():
    x = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]])  # (2, 2, 2)
    mask = torch.tensor([[1.0, 0.0], [0.5, 1.0]])
    xm = (x * mask).reshape(2, -1)
    expected = xm @ xm.T / (2 * 2.5)
    torch.testing.assert_close(masked_gram(x, mask), expected)
    assert masked_gram(x, mask)[0, 0] == (1 + 1.5**2 + 16) / 5


def test_gram_ignores_features_outside_the_mask():
    rng = torch.Generator().manual_seed(0)
    x = torch.rand(4, 5, 5, generator=rng)
    mask = torch.zeros(5, 5)
    mask[1:3, 1:4] = 1
    y = x.clone()
    y[:, 4, :] = 100.0
    torch.testing.assert_close(masked_gram(x, mask), masked_gram(y, mask))


def test_pass1_style_gradient_is_the_masked_autograd_gradient():
    torch.manual_seed(0)
    f = torch.rand(3, 4, 5, dtype=torch.float64, requires_grad=True)
    mask = (torch.rand(4, 5, dtype=torch.float64) > 0.3).double()
    target = masked_gram(torch.rand(3, 4, 5, dtype=torch.float64), mask)
    loss = 100 * (masked_gram(f, mask) - target).pow(2).mean()
    loss.backward()
    value, grad = pass1_style(f.detach(), mask, target)
    assert abs(value - float(loss.detach())) < 1e-9
    torch.testing.assert_close(grad, mask * f.grad)  # binary mask: masking twice changes nothing


def test_pass1_content_gradient():
    f = torch.rand(2, 3, 3, dtype=torch.float64, requires_grad=True)
    t = torch.rand(2, 3, 3, dtype=torch.float64)
    (5 * (f - t).pow(2).mean()).backward()
    torch.testing.assert_close(pass1_content(f.detach(), t)[1], f.grad)


def test_tv_gradient_is_the_gradient_of_tv_value():
    x = torch.rand(1, 3, 6, 7, dtype=torch.float64, requires_grad=True)
    dx = x[..., :-1, :-1] - x[..., :-1, 1:]
    dy = x[..., :-1, :-1] - x[..., 1:, :-1]
    (0.5 * (dx.pow(2).sum() + dy.pow(2).sum())).backward()
    torch.testing.assert_close(tv_gradient(x.detach()), x.grad)
    assert np.isclose(tv_value(x.detach()), 0.5 * float(dx.pow(2).sum() + dy.pow(2).sum()))
