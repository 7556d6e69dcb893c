"""Fixtures for end-to-end tests: a real emulator on 127.0.0.1 and a copy of an example project."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from zenodeploy.emulator import LOCAL_TOKEN, Emulator, start

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    """A fresh emulator for the test, stopped after it."""
    with start(tmp_path / "server") as running:
        yield running


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/minimal, with the emulator's token in ZENODO_TOKEN."""
    shutil.copytree(EXAMPLES / "minimal", tmp_path / "project")
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return tmp_path / "project" / "zenodeploy.yaml"
