"""Fixtures for the emulator conformance suite: the shared emulator with two communities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdm_client import Api

from zenodeploy.emulator import Emulator


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator], tmp_path: Path) -> Emulator:
    """Its state in ``tmp_path / "data"``, where tests look at the blobs."""
    return make_emulator(tmp_path / "data", communities=("zenodo-test", "chemistry"))


@pytest.fixture
def api(emulator: Emulator) -> Api:
    return Api(emulator.url)
