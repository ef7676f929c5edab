"""Fixtures of the bot-core tests: a factory of started services, stopped at teardown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.services import StartService, started_services


@pytest.fixture
async def start_service(tmp_path: Path) -> AsyncIterator[StartService]:
    """Factory: `await start_service(**settings)` -> (service, event log); stopped at teardown."""
    async with started_services(tmp_path) as start:
        yield start
