"""When and how long to wait before repeating a request: exponential backoff with jitter.

Which requests may be repeated at all is decided by the client (see ``client.py``); this
module only answers "is this failure worth another attempt, and after how long?".
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Statuses worth another attempt of an idempotent request. 500 is included because Zenodo
#: has answered GETs with transient 500s; 502/503/504 come from its proxies.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff settings; ``sleep`` and ``uniform`` are injectable so tests run instantly.

    * ``max_attempts`` counts the first try: 5 means at most 4 repeats.
    * Transient server errors and dropped connections use *full jitter*
      (uniform in ``[0, min(cap, base * 2**(n-1))]``), which spreads parallel workers apart.
    * A 429 without ``Retry-After`` or ``X-RateLimit-Reset`` (anti-abuse blocks send neither) waits at least ``rate_limited_base * 2**(n-1)`` plus up to 25 % jitter:
      such a block does not clear sooner, and hammering it prolongs it.
    * A ``Retry-After`` (or reset time) from the server wins over both.
    """

    max_attempts: int = 5
    base: float = 1.0
    cap: float = 60.0
    rate_limited_base: float = 60.0
    rate_limited_cap: float = 600.0
    statuses: frozenset[int] = RETRY_STATUSES
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False, compare=False)

    def should_retry(self, attempt: int, status: int | None) -> bool:
        """True when attempt number ``attempt`` (1-based) failed with ``status`` (None: no response)
        and another attempt is allowed."""
        if attempt >= self.max_attempts:
            return False
        return status is None or status in self.statuses

    def delay(self, attempt: int, *, status: int | None, server_wait: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based).

        ``server_wait`` is what the server asked for (``Retry-After``, or the time until
        ``X-RateLimit-Reset`` on a 429), already converted to seconds from now.
        """
        if server_wait is not None and server_wait >= 0:
            return min(server_wait, self.rate_limited_cap)
        exponent = 2.0 ** (attempt - 1)
        if status == 429:
            floor = min(self.rate_limited_cap, self.rate_limited_base * exponent)
            return floor + self.uniform(0.0, floor / 4)
        return self.uniform(0.0, min(self.cap, self.base * exponent))

    def wait(self, attempt: int, *, status: int | None, server_wait: float | None) -> float:
        """Sleep for :meth:`delay` and return the seconds slept."""
        seconds = self.delay(attempt, status=status, server_wait=server_wait)
        if seconds > 0:
            self.sleep(seconds)
        return seconds
