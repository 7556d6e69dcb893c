"""The last-known request budget of a server and token, kept between runs in the user cache.

A new process that knows a budget is nearly spent waits for its reset instead of learning it
from a 429. Entries are keyed by a hash of the server URL and the token (never the token);
one JSON file holds them all, rewritten whole (write a temporary file, then rename), and an
entry whose reset has passed is dropped, for it says nothing about the present.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Budget:
    """``remaining`` of ``limit`` requests until ``reset`` (Unix time)."""

    limit: int | None
    remaining: int
    reset: float


def fingerprint(server: str, token: str | None) -> str:
    """A stable key for a server URL and token that does not reveal the token."""
    digest = hashlib.sha256(f"{server.rstrip('/')}\n{token or ''}".encode())
    return digest.hexdigest()[:32]


class BudgetFile:
    """The budget of one server and token in the JSON file ``path``; never raises on I/O."""

    def __init__(self, path: Path, server: str, token: str | None) -> None:
        self.path = path
        self.key = fingerprint(server, token)

    def _entries(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, now: float) -> Budget | None:
        """The budget saved for this server and token, if its window has not reset yet."""
        entry = self._entries().get(self.key)
        if not isinstance(entry, dict):
            return None
        try:
            limit = entry.get("limit")
            budget = Budget(
                None if limit is None else int(limit), int(entry["remaining"]), float(entry["reset"])
            )
        except (KeyError, TypeError, ValueError):
            return None
        return budget if budget.reset > now else None

    def save(self, budget: Budget, now: float) -> None:
        entries = {
            key: value
            for key, value in self._entries().items()
            if isinstance(value, dict)
            and isinstance(value.get("reset"), (int, float))
            and value["reset"] > now
        }
        entries[self.key] = {"limit": budget.limit, "remaining": budget.remaining, "reset": budget.reset}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".budget-", suffix=".json")
        except OSError:
            return  # an unwritable cache only costs the next run its head start
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entries, out)
            Path(temporary).replace(self.path)
        except OSError:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
