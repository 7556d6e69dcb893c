"""Fixtures for the emulator conformance suite: a real server on 127.0.0.1 in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdm_client import Api

from zenodeploy.emulator import Emulator, start


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with start(tmp_path / "data", communities=("zenodo-test", "chemistry")) as running:
        yield running


@pytest.fixture
def api(emulator: Emulator) -> Api:
    return Api(emulator.url)
