"""Shared test fixtures.

* Isolation (autouse): no test reads the real user's profile, cache, tokens or keyring.
* ``make_emulator(**options)``: starts an emulator on 127.0.0.1 (options as for
  ``zenodeploy.emulator.start``; ``data_dir`` defaults to a fresh folder under ``tmp_path``)
  and stops every emulator it started at teardown. ``emulator`` is one with the defaults.
* ``fast_retries``: every client a run opens backs off on a fake clock (no real sleeping);
  the clock's ``sleeps`` are the back-offs the run would have waited.
* ``run`` and ``writes``: the CLI against an emulator, and the write requests it has counted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fake_clock import FakeClock
from zenodeploy.cli import cli
from zenodeploy.emulator import Emulator, start
from zenodeploy.reconcile import run as reconcile_run
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy

WRITE_METHODS = ("POST", "PUT", "DELETE")


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


MakeEmulator = Callable[..., Emulator]


@pytest.fixture
def make_emulator(tmp_path: Path) -> Iterator[MakeEmulator]:
    """``make_emulator(data_dir=None, **options)`` → a running emulator on 127.0.0.1, stopped at teardown.

    Starting twice on the same ``data_dir`` (after ``stop()``) restarts on the kept state."""
    started: list[Emulator] = []

    def make(data_dir: Path | None = None, **options: Any) -> Emulator:
        folder = data_dir if data_dir is not None else tmp_path / f"emulator-{len(started)}"
        running = start(folder, host="127.0.0.1", **options)
        started.append(running)
        return running

    yield make
    for running in reversed(started):
        running.stop()  # idempotent: a test may have stopped it already


@pytest.fixture
def emulator(make_emulator: MakeEmulator) -> Emulator:
    """A fresh emulator with the defaults (``LOCAL_TOKEN``, no rate limit)."""
    return make_emulator()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Runs of the CLI in this test pace and back off on a fake clock: retries happen, nobody sleeps.

    Replaces ``zenodeploy.reconcile.run.pacing`` (the documented seam); jitter is its upper
    bound, so ``clock.sleeps`` is the exact back-off schedule the run asked for."""
    clock = FakeClock()

    def pacing() -> tuple[RateLimiter, RetryPolicy]:
        limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
        return limiter, RetryPolicy(sleep=clock.sleep, uniform=lambda low, high: high)

    monkeypatch.setattr(reconcile_run, "pacing", pacing)
    return clock


def _run(emulator: Emulator, *args: str, exit_codes: Collection[int] | None = (0,)) -> Any:
    """``zenodeploy ARGS --server <emulator> --format json`` in-process (exceptions propagate).

    Asserts the exit code is one of ``exit_codes`` (None: any) and returns the JSON printed on
    stdout, or None when stdout is not JSON (a failed run). A token in ``ZENODO_TOKEN`` is passed
    the explicit way (``--token-env``): by itself it is only ever sent to zenodo.org."""
    token = ["--token-env", "ZENODO_TOKEN"] if os.environ.get("ZENODO_TOKEN") else []
    result = CliRunner().invoke(
        cli, [*args, "--server", emulator.url, *token, "--format", "json"], catch_exceptions=False
    )
    if exit_codes is not None:
        assert result.exit_code in exit_codes, result.output
    try:
        return json.loads(result.stdout)
    except ValueError:
        return None


def _writes(source: Emulator | Mapping[str, Any]) -> int:
    """Write requests (POST, PUT, DELETE) in an emulator's stats, or in a stats document."""
    stats = source.stats() if isinstance(source, Emulator) else source
    return sum(stats["requests"].get(method, 0) for method in WRITE_METHODS)


@pytest.fixture
def run() -> Callable[..., Any]:
    """``run(emulator, "apply", manifest, "--yes", exit_codes=(0,))`` → the command's JSON output."""
    return _run


@pytest.fixture
def writes() -> Callable[[Emulator | Mapping[str, Any]], int]:
    """``writes(emulator)`` (or ``writes(stats)``) → the POST/PUT/DELETE requests counted so far."""
    return _writes
