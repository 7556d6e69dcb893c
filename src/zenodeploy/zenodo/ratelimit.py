"""Spending the server's advertised budget, shared by every thread and client of a run.

InvenioRDM (Flask-Limiter) sends ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` (a Unix
epoch) on every response, and ``Retry-After`` too — even on 2xx, where it merely repeats the
time until reset (Flask-Limiter's ``RATELIMIT_HEADERS_ENABLED``). The limiter reads them after
each response and, before each request, decides whether to wait. The requests are the clock, so
it never holds a request the budget covers:

* budget left (the server's ``remaining`` less the requests in flight): go at once;
* nothing left: wait for the reset, then let a single probe through and hold the others until
  its response tells the new budget (a moving window frees slots one by one); a response that
  arrives meanwhile may free them earlier;
* budget unknown (a new process that remembers nothing): one probe first, the same way;
* after a 429: block everyone for the time the server asked (the budget is shared);
* a 5xx's ``Retry-After`` (a 503 while a node restarts) concerns that request only: it is
  returned to the caller, which waits before repeating it, and nobody else is held.

With a :class:`~zenodeploy.zenodo.budget.BudgetFile` (:meth:`RateLimiter.remember`) the budget
is loaded at the start and saved during and after the run, so the next process starts informed.
"""

from __future__ import annotations

import email.utils
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping

from zenodeploy.zenodo.budget import Budget, BudgetFile

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
        probe_timeout: float = 30.0,
        poll: float = 0.05,
        max_wait: float = math.inf,
        save_every: float = 1.0,
    ) -> None:
        self._clock = clock
        self.max_wait = max_wait
        self._sleep = sleep
        self._probe_timeout = probe_timeout
        self._poll = poll
        self._save_every = save_every
        self._lock = threading.Lock()
        self._limit: int | None = None
        # Our estimate, already counting requests in flight; None: nothing to pace by. The
        # budget of a new limiter is unknown, so its first request is a probe (see above).
        self._remaining: int | None = 1
        self._reset_at: float | None = None
        self._blocked_until = 0.0
        self._probe_started = -math.inf
        self._flying: set[int] = set()  # the requests in flight, numbered in the order sent
        self._sent = 0
        self._mine = threading.local()  # the number of the request this thread sent last
        self._file: BudgetFile | None = None
        self._saved_at = -math.inf
        self.waited_seconds = 0.0  # total time callers spent waiting here (for reports)

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self._limit}, remaining={self._remaining}, reset_at={self._reset_at})"

    def remember(self, budget_file: BudgetFile) -> None:
        """Start from the budget ``budget_file`` kept (if its window is still open) and keep it there."""
        with self._lock:
            self._file = budget_file
            saved = budget_file.load(self._clock())
            if saved is not None and self._reset_at is None:
                self._limit, self._remaining, self._reset_at = saved.limit, saved.remaining, saved.reset

    def save(self) -> None:
        """Write the current budget to the remembered file (done every ``save_every`` s anyway)."""
        with self._lock:
            self._save(self._clock())

    def _save(self, now: float) -> None:
        """Lock held."""
        if self._file is None or self._remaining is None or self._reset_at is None:
            return
        self._saved_at = now
        self._file.save(Budget(self._limit, max(0, self._remaining), self._reset_at), now)

    def _wait_needed(self, now: float) -> float:
        """Seconds to wait before one more request may go; 0 reserves the slot. Lock held."""
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._reset_at is not None and now >= self._reset_at:
            # The window the last headers described has moved on: at least one more request is
            # free; how many more the next response will tell.
            self._remaining = max(0, self._remaining or 0) + 1 if self._remaining is not None else None
            self._reset_at = None
        if self._remaining is not None and self._remaining <= 0:
            if self._reset_at is not None:
                # Responses still to come may report slots freed earlier: look again soon.
                wait = self._reset_at - now
                return min(wait, self._poll) if self._flying else wait
            if now - self._probe_started < self._probe_timeout:
                return self._poll  # a probe is out; its response brings the new budget
            self._remaining = None  # the probe never answered; stop waiting for it
        if self._remaining is not None:
            self._remaining -= 1
            if self._reset_at is None:
                self._probe_started = now
        self._sent += 1
        self._flying.add(self._sent)
        self._mine.number = self._sent
        return 0.0

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
            number = getattr(self._mine, "number", None)
            self._flying.discard(number)
            if headers is None:
                if self._reset_at is None and self._remaining is not None:
                    self._remaining += 1  # a probe that got no answer: the next request probes again
                return None
            now = self._clock()
            limit = _number(headers.get("X-RateLimit-Limit"))
            remaining = _number(headers.get("X-RateLimit-Remaining"))
            reset = _number(headers.get("X-RateLimit-Reset"))
            reset_at = None if reset is None else reset if reset >= _EPOCH_THRESHOLD else now + reset
            if limit is not None:
                self._limit = int(limit)
            if remaining is not None and reset_at is not None and reset_at > now:
                # Requests sent after this one and still in flight may not be counted yet (those
                # sent before it reached the server first). A response about the same window as an earlier one
                # (or an older one), arriving late, cannot free a slot the earlier did not.
                later = sum(1 for n in self._flying if number is None or n > number)
                estimate = max(0, int(remaining) - later)
                same = self._reset_at is not None and reset_at <= self._reset_at
                if same and self._remaining is not None:
                    estimate = min(estimate, self._remaining)
                self._remaining = estimate
                self._reset_at = reset_at
                if now - self._saved_at >= self._save_every:
                    self._save(now)
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
