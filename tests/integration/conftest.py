"""Fixtures for end-to-end tests: a copy of an example project (the emulator comes from tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zenodeploy.emulator import LOCAL_TOKEN

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/minimal, with the emulator's token in ZENODO_TOKEN."""
    shutil.copytree(EXAMPLES / "minimal", tmp_path / "project")
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return tmp_path / "project" / "zenodeploy.yaml"
