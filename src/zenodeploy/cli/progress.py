"""Upload progress on stderr: tqdm bars on a terminal, one line per committed file in CI logs."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import click

from zenodeploy.describe.filters import human_size


class Progress:
    """Upload progress: a total bar plus one bar per file on a terminal; a line per finished file otherwise.

    ``update(name, sent)`` is thread-safe and is handed to core code as the progress callback.
    """

    def __init__(self, plans: Sequence[Any], *, enabled: bool) -> None:
        from zenodeploy.reconcile.plan import Upload

        self.sizes = {a.file.name: a.file.size for p in plans for a in p.actions if isinstance(a, Upload)}
        self.enabled = enabled and bool(self.sizes)
        self._lock = threading.Lock()
        self._bars: dict[str, Any] = {}
        self._total: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            self._tqdm = tqdm
            self._total = tqdm(
                total=sum(self.sizes.values()),
                unit="B",
                unit_scale=True,
                desc="total",
                position=0,
                leave=True,
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()
        if self._total is not None:
            self._total.close()

    def done(self, name: str) -> None:
        """A plain line per committed file when no bars are shown (CI logs)."""
        if not self.enabled:
            click.echo(f"uploaded {name} ({human_size(self.sizes.get(name, 0))})", err=True)

    def update(self, name: str, sent: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            bar = self._bars.get(name)
            if bar is None:
                bar = self._tqdm(
                    total=self.sizes.get(name, 0),
                    unit="B",
                    unit_scale=True,
                    desc=name[:30],
                    position=len(self._bars) + 1,
                    leave=False,
                )
                self._bars[name] = bar
            bar.update(sent)
            self._total.update(sent)
