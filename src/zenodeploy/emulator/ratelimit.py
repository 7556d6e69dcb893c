"""A moving-window per-minute limiter keyed like Zenodo's (User-Agent + client IP), with its headers.

Flask-Limiter's moving window (reference §5): a request is allowed when fewer than ``limit``
requests of the same key fall in the last 60 s; refused requests are not counted.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

WINDOW = 60.0
PRESETS = {"zenodo": 1000, "documented": 100}


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    message: str


class RateLimiter:
    """``limit`` requests per minute per key; ``None`` turns limiting (and its headers) off."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> Verdict:
        if self.limit is None:
            return Verdict(True, {}, "")
        now = time.time()
        with self._lock:
            window = self._hits.setdefault(key, deque())
            while window and window[0] <= now - WINDOW:
                window.popleft()
            allowed = len(window) < self.limit
            if allowed:
                window.append(now)
            reset = (window[0] + WINDOW) if window else now + WINDOW
        remaining = max(0, self.limit - len(window))
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(reset)),
            "Retry-After": str(max(0, math.ceil(reset - now))),
        }
        return Verdict(allowed, headers, f"{self.limit} per 1 minute")

    def peek_headers(self, key: str) -> dict[str, str]:
        """The headers for ``key`` without counting a request (used on forced 429s)."""
        if self.limit is None:
            return {}
        now = time.time()
        with self._lock:
            window = [t for t in self._hits.get(key, ()) if t > now - WINDOW]
        reset = (window[0] + WINDOW) if window else now + WINDOW
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - len(window))),
            "X-RateLimit-Reset": str(math.ceil(reset)),
            "Retry-After": str(max(0, math.ceil(reset - now))),
        }


def parse_limit(value: str | int | None) -> int | None:
    """``None``/``"off"`` → None, a preset name (zenodo, documented) or a positive integer."""
    if value is None or value == "off":
        return None
    if isinstance(value, str) and value in PRESETS:
        return PRESETS[value]
    number = int(value)
    if number <= 0:
        raise ValueError("the rate limit must be a positive number of requests per minute")
    return number
