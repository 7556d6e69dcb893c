"""Pacing requests to the server's advertised budget, shared by every thread and client of a run.

InvenioRDM (Flask-Limiter) sends ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (a Unix
epoch) on every response, and ``Retry-After`` too — even on 2xx, where it merely repeats the
time until reset (Flask-Limiter's ``RATELIMIT_HEADERS_ENABLED``). The limiter reads them after each response and, before
each request, decides whether to wait so that a run never reaches a 429:

* plenty left (more than ``low_water`` × limit): go at once;
* little left: spread the remaining budget evenly over the time until the reset;
* nothing left: block until the reset, then let a single probe through and hold the others
  until its response tells the new budget (a moving window frees slots one by one);
* after a 429: block everyone for the time the server asked (the budget is shared);
* a 5xx's ``Retry-After`` (a 503 while a node restarts) concerns that request only: it is
  returned to the caller, which waits before repeating it, and nobody else is held.
"""

from __future__ import annotations

import email.utils
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)


class WaitTooLong(Exception):
    """The server asked for a longer pause than the run allows (``--max-wait``)."""

    def __init__(self, seconds: float, until: float) -> None:
        super().__init__(f"the server's rate limit asks for a {seconds:.0f} s pause")
        self.seconds, self.until = seconds, until


# A Reset value below this is a number of seconds, not an epoch (some proxies send deltas).
_EPOCH_THRESHOLD = 1_000_000_000


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class RateLimiter:
    """A thread-safe pacer; share one instance across all clients and threads of a run.

    Call :meth:`acquire` before sending and :meth:`release` with the response's status and
    headers (or ``None`` when no response came) after. ``clock`` must return Unix time
    (the reset header is an epoch); ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        low_water: float = 0.25,
        probe_timeout: float = 30.0,
        poll: float = 0.05,
        max_wait: float = math.inf,
    ) -> None:
        self._clock = clock
        self.max_wait = max_wait
        self._sleep = sleep
        self._low_water = low_water
        self._probe_timeout = probe_timeout
        self._poll = poll
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._remaining: int | None = None  # our estimate, already counting requests in flight
        self._reset_at: float | None = None
        self._next_slot = 0.0
        self._blocked_until = 0.0
        self._probe_started = 0.0
        self._in_flight = 0
        self.waited_seconds = 0.0  # total time callers spent waiting here (for reports)

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self._limit}, remaining={self._remaining}, reset_at={self._reset_at})"

    def _wait_needed(self, now: float) -> float:
        """Seconds to wait before one more request may go; 0 reserves the slot. Lock held."""
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._reset_at is not None and now >= self._reset_at:
            # The window the last headers described is over; what it has left is unknown.
            exhausted = self._remaining is not None and self._remaining <= 0
            self._remaining = 1 if exhausted else None
            self._reset_at = None
            self._probe_started = now
        if self._remaining is not None:
            if self._remaining <= 0:
                if self._reset_at is not None:
                    return self._reset_at - now
                if now - self._probe_started < self._probe_timeout:
                    return self._poll  # a probe is out; its response brings the new budget
                self._remaining = None  # the probe never answered; stop waiting for it
            elif self._reset_at is not None and self._remaining <= self._pace_threshold():
                if now < self._next_slot:
                    return self._next_slot - now
                self._next_slot = now + (self._reset_at - now) / self._remaining
        if self._remaining is not None:
            self._remaining -= 1
        self._in_flight += 1
        return 0.0

    def _pace_threshold(self) -> int:
        if self._limit is None:
            return 10
        return max(1, math.ceil(self._limit * self._low_water))

    def acquire(self) -> float:
        """Block until one more request may be sent; returns the seconds waited.

        A wait longer than ``max_wait`` (an hourly limit can ask for up to an hour) raises
        :class:`WaitTooLong` instead of blocking silently; waits over 10 s are logged."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self.waited_seconds += waited
                    return waited
            if wait > self.max_wait:
                raise WaitTooLong(wait, now + wait)
            if wait > 10 and waited == 0:
                log.warning("waiting %.0f s: the server's rate limit asks for it", wait)
            self._sleep(wait)
            waited += wait

    def release(self, status: int | None, headers: Mapping[str, str] | None) -> float | None:
        """Record the outcome of a request started with :meth:`acquire`.

        Returns the seconds a 429 or 5xx asked to wait (``Retry-After``, or for a 429 the time
        until ``X-RateLimit-Reset``, at least 1 s); for a 429 already applied as a block on all
        callers, for a 5xx left to the one request; ``None`` when the response asked for nothing."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            if headers is None:
                return None
            now = self._clock()
            limit = _number(headers.get("X-RateLimit-Limit"))
            remaining = _number(headers.get("X-RateLimit-Remaining"))
            reset = _number(headers.get("X-RateLimit-Reset"))
            reset_at = None if reset is None else reset if reset >= _EPOCH_THRESHOLD else now + reset
            if limit is not None:
                self._limit = int(limit)
            if remaining is not None and reset_at is not None and reset_at > now:
                # Requests still in flight were not counted by the server yet.
                self._remaining = max(0, int(remaining) - self._in_flight)
                self._reset_at = reset_at
            elif self._reset_at is None:
                self._remaining = None  # no budget advertised (any more): nothing to pace by
            if status is None or (status != 429 and status < 500):
                return None
            asked = parse_retry_after(headers.get("Retry-After"), now)
            if status != 429:
                return asked  # a failing server: only the request that got it waits
            if asked is None and reset_at is not None:
                asked = max(0.0, reset_at - now)
            if asked is not None:
                asked = max(asked, 1.0)
                self._blocked_until = max(self._blocked_until, now + asked)
            return asked

    def block(self, seconds: float) -> None:
        """Hold every caller of :meth:`acquire` for ``seconds`` (a 429 backoff applies to all)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)
