"""Shared test isolation: no test reads the real user's profile, cache or tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("ZENODEPLOY_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(base / "cache"))
    for name in ("ZENODO_TOKEN", "ZENODO_SANDBOX_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    try:  # never read or write a developer's real keyring
        import keyring
        from keyring.backends import null
    except ImportError:
        yield
        return
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
