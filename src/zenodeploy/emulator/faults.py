"""Fault injection: rules that fail, delay, drop or post-fail matching requests.

A rule matches a method (``*`` for any) and a regular expression searched in the path. It
fires on the ``nth`` matching request and the ``times - 1`` after it. ``status`` answers that
status (before the operation runs, or after it when ``after``), ``drop_after_bytes`` cuts the
connection once that many body bytes arrived, ``latency`` sleeps before handling, and
``retry_after`` adds a ``Retry-After`` header to the status answered (a 503 of a restarting
node, or a 429, as Zenodo's proxies and Flask-Limiter send them).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Fault:
    method: str
    path_regex: str
    nth: int = 1
    times: int = 1
    status: int | None = None
    drop_after_bytes: int | None = None
    after: bool = False
    latency: float = 0.0
    retry_after: float | None = None  # a Retry-After header (seconds) on the status answered
    seen: int = 0
    fired: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)
        if self.nth < 1 or self.times < 1:
            raise ValueError("nth and times must be at least 1")

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and bool(self._pattern.search(path))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_pattern", None)
        return data


class Faults:
    """The active rules; ``take`` returns the rules firing for one request (and counts it)."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._rules.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_dict() for f in self._rules]

    def take(self, method: str, path: str) -> list[Fault]:
        firing = []
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                rule.seen += 1
                if rule.nth <= rule.seen < rule.nth + rule.times:
                    rule.fired += 1
                    firing.append(rule)
        return firing


def from_json(data: dict[str, Any]) -> Fault:
    """A rule from the admin endpoint's JSON body (unknown keys refused by the dataclass)."""
    allowed = {"method", "path_regex", "nth", "times", "status", "drop_after_bytes", "after", "latency"}
    allowed.add("retry_after")
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    return Fault(**{k: data[k] for k in allowed if k in data})
