"""Moving-window rate limits keyed like Zenodo's (User-Agent + client IP), with their headers.

Modelled on Flask-Limiter as invenio-app configures it (``invenio_app/limiter.py``:
key = User-Agent + remote address; ``RATELIMIT_AUTHENTICATED_USER`` is a list of limits such
as ``"5000 per hour;100 per minute"``) and on Flask-Limiter's ``__evaluate_limits`` /
``__inject_headers`` (``flask_limiter/extension.py``):

- the limits are checked shortest window first; each allowed check counts the request in
  its window; the first refused one stops the check (``fail_on_first_breach``), so a
  request refused by the minute window is not counted in the hour window;
- the headers describe the shortest window, or the refused one: ``X-RateLimit-Limit``,
  ``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` (epoch seconds, one after the oldest
  request leaves the window) and ``Retry-After`` (seconds until then), so an exhausted
  hourly window answers ``Retry-After`` of up to an hour;
- the 429 message is the refused limit, e.g. ``"100 per 1 minute"`` or ``"5000 per 1 hour"``.

Which numbers Zenodo runs: ``zenodo-rdm/invenio.cfg`` sets no ``RATELIMIT_AUTHENTICATED_USER``,
so invenio-app-rdm's ``config.py`` value applies, ``"25000 per hour;1000 per minute"`` (the
``zenodo`` preset; ``X-RateLimit-Limit: 1000`` is what zenodo.org sends). Zenodo's
documentation and invenio-app's own default (``invenio_app/config.py``) say
``"5000 per hour;100 per minute"`` (the ``documented`` preset).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
PRESETS = {
    "zenodo": "25000 per hour;1000 per minute",
    "documented": "5000 per hour;100 per minute",
}
_ITEM = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True, slots=True)
class Limit:
    """``amount`` requests per ``multiple`` ``unit``s (a Flask-Limiter rate-limit item)."""

    amount: int
    multiple: int = 1
    unit: str = "minute"

    @property
    def seconds(self) -> int:
        return self.multiple * UNITS[self.unit]

    def __str__(self) -> str:
        return f"{self.amount} per {self.multiple} {self.unit}"


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    message: str


class RateLimiter:
    """The given limits per key; ``None`` turns limiting (and its headers) off.

    ``limits`` is ``None``, a number of requests per minute, a preset name or a
    Flask-Limiter string such as ``"5000 per hour;100 per minute"``.
    """

    def __init__(self, limits: int | str | Sequence[Limit] | None) -> None:
        parsed = (
            limits if isinstance(limits, Sequence) and not isinstance(limits, str) else parse_limit(limits)
        )
        self.limits: list[Limit] | None = sorted(parsed, key=lambda lim: lim.seconds) if parsed else None
        self._hits: dict[tuple[str, Limit], deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def limit(self) -> int | None:
        """The amount of the shortest window (None when off)."""
        return self.limits[0].amount if self.limits else None

    def describe(self) -> str:
        """The 429 message of the shortest window (used by forced 429 faults)."""
        return str(self.limits[0]) if self.limits else "100 per 1 minute"

    def _window(self, key: str, lim: Limit, now: float) -> deque[float]:
        window = self._hits.setdefault((key, lim), deque())
        while window and window[0] <= now - lim.seconds:
            window.popleft()
        return window

    def hit(self, key: str) -> Verdict:
        if not self.limits:
            return Verdict(True, {}, "")
        now = time.time()
        with self._lock:
            shown = self.limits[0]
            refused: Limit | None = None
            for lim in self.limits:
                window = self._window(key, lim, now)
                if len(window) < lim.amount:
                    window.append(now)
                else:
                    refused = shown = lim
                    break
            headers = self._headers(key, shown, now)
        if refused is not None:
            return Verdict(False, headers, str(refused))
        return Verdict(True, headers, "")

    def peek_headers(self, key: str) -> dict[str, str]:
        """The headers for ``key`` without counting a request (used on forced 429s)."""
        if not self.limits:
            return {}
        now = time.time()
        with self._lock:
            return self._headers(key, self.limits[0], now)

    def _headers(self, key: str, lim: Limit, now: float) -> dict[str, str]:
        window = self._window(key, lim, now)
        reset = (window[0] + lim.seconds) if window else now + lim.seconds
        reset_in = 1 + reset  # Flask-Limiter: reset_in = 1 + window_stats.reset_time
        return {
            "X-RateLimit-Limit": str(lim.amount),
            "X-RateLimit-Remaining": str(max(0, lim.amount - len(window))),
            "X-RateLimit-Reset": str(math.floor(reset_in)),
            "Retry-After": str(max(0, math.floor(reset_in - now))),
        }


def parse_limit(value: str | int | None) -> list[Limit] | None:
    """``None``/``"off"`` → None; a number (per minute), a preset (zenodo, documented) or a
    Flask-Limiter string (``"5000 per hour;100 per minute"``, ``"100/minute"``); raises ValueError."""
    if value is None or value == "off":
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        if number <= 0:
            raise ValueError("the rate limit must be a positive number of requests per minute")
        return [Limit(number)]
    text = PRESETS.get(value, value)
    limits = []
    for part in filter(None, (p.strip() for p in re.split(r"[;,]", text))):
        match = _ITEM.match(part)
        if match is None or int(match.group(1)) <= 0:
            raise ValueError(f"not a rate limit: {part!r}")
        limits.append(Limit(int(match.group(1)), int(match.group(2) or 1), match.group(3)))
    if not limits:
        raise ValueError("no rate limit given")
    return limits
