"""Upload progress on stderr: tqdm bars on a terminal, one line per committed file in CI logs.

Files are told apart by deposition and name: three depositions may each have a ``data.bin``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import click

from zenodeploy.describe.filters import human_size

FileKey = tuple[str, str]  # (deposition key, file name)


class Progress:
    """Upload progress: a total bar plus one bar per file on a terminal; a line per finished file otherwise.

    ``update(key, name, sent)`` is thread-safe and is handed to core code as the progress callback.
    Each file counts at most its own size and never below zero (a restarted file goes back), so
    the total bar ends at the sum of the sizes.
    """

    def __init__(self, plans: Sequence[Any], *, enabled: bool) -> None:
        from zenodeploy.reconcile.plan import Upload

        self.sizes: dict[FileKey, int] = {
            (p.key, a.file.name): a.file.size for p in plans for a in p.actions if isinstance(a, Upload)
        }
        self.sent: dict[FileKey, int] = dict.fromkeys(self.sizes, 0)
        self.enabled = enabled and bool(self.sizes)
        self._lock = threading.Lock()
        self._bars: dict[FileKey, Any] = {}
        self._total: Any = None

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

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

    def done(self, key: str, name: str) -> None:
        """A plain line per committed file when no bars are shown (CI logs), with its own size."""
        with self._lock:
            size = self.sizes.get((key, name), 0)
            self._advance((key, name), size - self.sent.get((key, name), 0))
        if not self.enabled:
            click.echo(f"uploaded {key}/{name} ({human_size(size)})", err=True)

    def update(self, key: str, name: str, sent: int) -> None:
        with self._lock:
            self._advance((key, name), sent)

    def _advance(self, file: FileKey, sent: int) -> None:
        size = self.sizes.get(file, 0)
        before = self.sent.get(file, 0)
        after = min(size, max(0, before + sent))
        self.sent[file] = after
        if not self.enabled or after == before:
            return
        bar = self._bars.get(file)
        if bar is None:
            label = f"{file[0]}/{file[1]}"
            bar = self._tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc=label if len(label) <= 30 else "…" + label[-29:],
                position=len(self._bars) + 1,
                leave=False,
            )
            self._bars[file] = bar
        bar.update(after - before)
        self._total.update(after - before)
