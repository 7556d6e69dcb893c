"""Shared test isolation: no test reads the real user's profile, cache or tokens."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("ZENODEPLOY_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(base / "cache"))
    for name in ("ZENODO_TOKEN", "ZENODO_SANDBOX_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
