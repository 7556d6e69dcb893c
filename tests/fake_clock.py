"""A fake clock for the client's limiter and retry policy (importable from any test: ``tests/`` is on
``sys.path`` because ``tests/conftest.py`` is a rootdir conftest)."""

from __future__ import annotations

import threading


class FakeClock:
    """Unix time that only moves when someone sleeps; records every sleep."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds
