"""The one HTTP session to an InvenioRDM server: auth, headers, pacing, retries, typed errors.

:class:`HttpTransport` implements the ``Transport`` protocol the endpoints are written against.

Which requests are repeated, and why (a POST that timed out may have succeeded on the server):

* GET, PUT and DELETE are idempotent: repeated on 429/5xx/dropped connections with backoff.
  A repeated DELETE that finds nothing (404) succeeded on an earlier attempt.
* A 429 is repeated for every method: the limiter refuses it before the view runs.
* A connection that was never established (refused, DNS, connect timeout) is repeated for
  every method: the server cannot have seen the request.
* Anything else on a non-idempotent POST (create, publish, edit, new version, files import,
  start/commit upload, …) raises :class:`OutcomeUnknown`; the endpoint methods then re-read the
  remote state to decide (see ``endpoints.py``), and create never repeats at all.
"""

from __future__ import annotations

import http.cookiejar
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from zenodeploy import __version__
from zenodeploy.errors import ApiError
from zenodeploy.zenodo.failures import RateLimited, error_for_exception, error_for_status, redact_url, scrub
from zenodeploy.zenodo.ratelimit import RateLimiter, WaitTooLong
from zenodeploy.zenodo.retry import RetryPolicy

log = logging.getLogger(__name__)

USER_AGENT = f"zenodeploy/{__version__} (+https://github.com/zenodeploy/zenodeploy) python-requests/{requests.__version__}"
ACCEPT = "application/vnd.inveniordm.v1+json"  # Zenodo's plain application/json is its legacy deposit shape

Timeout = float | tuple[float, float]
Body = bytes | str | Iterable[bytes] | Callable[[], Any] | None

# Failures after which no response arrived; a retry is only safe for idempotent calls.
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Keep no cookies: a cookie turns InvenioRDM's API into a CSRF-checked session (invenio-rest: ``invenio_rest/csrf.py``)."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


class _Bearer(requests.auth.AuthBase):
    """Adds the token as a header. As session auth it also stops requests from reading ~/.netrc,
    and requests re-applies it only to the same host after a redirect (``rebuild_auth``)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(***)"


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the connection was never established, so the server cannot have acted."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


class HttpTransport:
    """Requests to one InvenioRDM server over one ``requests.Session``. Thread-safe.

    ``limiter`` should be shared by every client and thread of a run (the server's budget
    is per User-Agent and IP). ``requests_made`` counts attempts sent, by method. A given
    ``session`` is taken over: its headers, auth, cookie policy and adapters are replaced.
    ``timeout`` is (connect, read) seconds, applied to every request.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: Timeout = (10, 300),
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        max_in_flight: int = 4,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self._origin = (parts.scheme, parts.netloc.lower())
        self._token = token or None
        self.timeout = timeout
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.retry = retry if retry is not None else RetryPolicy()
        self.requests_made: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        self._session = session if session is not None else requests.Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
        self._session.cookies.set_policy(_NoCookies())
        self._session.cookies.clear()
        self._session.max_redirects = 5
        if self._token:
            self._session.auth = _Bearer(self._token)
        # The one concurrency budget of a run: at most ``max_in_flight`` requests (uploads
        # included) are on the wire at once, however many threads want to send; the
        # connection pool holds exactly that many. Retries are ours, so the adapter makes none.
        self.max_in_flight = max(1, max_in_flight)
        self._slots = threading.BoundedSemaphore(self.max_in_flight)
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=self.max_in_flight, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def __repr__(self) -> str:
        return f"HttpTransport(base_url={self.base_url!r}, token={'<set>' if self._token else None})"

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def _url(self, path_or_url: str) -> str:
        if not path_or_url.startswith(("http://", "https://")):
            return self.base_url + "/" + path_or_url.lstrip("/")
        parts = urlsplit(path_or_url)
        if (parts.scheme, parts.netloc.lower()) != self._origin:
            raise ApiError(
                f"Refusing to send the access token to {parts.scheme}://{parts.hostname}, which is not "
                f"the configured server {self.base_url}; check the server setting.",
                url=redact_url(path_or_url),
            )
        return path_or_url

    def _count(self, method: str) -> None:
        with self._count_lock:
            self.requests_made[method] += 1

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        json: Any = None,
        data: Body = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool,
        unknown_outcome: str = "created or changed something",
        raw: bool = False,
        sink: Callable[[Iterable[bytes]], Any] | None = None,
    ) -> Any:
        """Send one logical request (several attempts when safe) and return its parsed JSON.

        Returns ``None`` for an empty body (204), the body's bytes when ``raw``, or what ``sink``
        returns when given: it is handed the body as it streams in (never held whole). ``data`` may be a zero-argument callable
        that builds a fresh body for every attempt (a streamed upload re-opens its file).
        Non-2xx becomes an :class:`ApiError` subclass (see ``failures.py``); for a
        non-idempotent request a 5xx or lost connection becomes :class:`OutcomeUnknown`,
        whose message says the server may have ``unknown_outcome``.
        """
        url = self._url(path_or_url)
        shown = redact_url(url)
        # A plain iterable body is consumed by the first attempt, so it cannot be sent again.
        replayable = data is None or isinstance(data, (bytes, str)) or callable(data)
        attempt = 0
        while True:
            attempt += 1
            try:
                self.limiter.acquire()
            except WaitTooLong as wait:
                raise self._too_long(wait, method, shown) from None
            self._count(method)
            try:
                body = data() if callable(data) else data
                with self._slots:
                    response = self._session.request(
                        method,
                        url,
                        json=json,
                        data=body,
                        headers=headers,
                        params=params,
                        timeout=self.timeout,
                        stream=sink is not None,
                    )
            except BaseException as exc:
                if not isinstance(exc, requests.RequestException):
                    self.limiter.release(None, None)  # Ctrl-C or a local error: free the slot, re-raise
                    raise
                self.limiter.release(None, None)
                log.debug("%s %s: %s", method, shown, type(exc).__name__)
                retryable = replayable and isinstance(exc, _TRANSIENT) and (idempotent or _never_sent(exc))
                if retryable and self.retry.should_retry(attempt, None):
                    self.retry.wait(attempt, status=None, server_wait=None)
                    continue
                raise error_for_exception(
                    method,
                    shown,
                    exc,
                    attempts=attempt,
                    secret=self._token,
                    unknown_outcome="" if idempotent or _never_sent(exc) else unknown_outcome,
                ) from None
            status = response.status_code
            asked = self.limiter.release(status, response.headers)
            log.debug("%s %s → %s", method, shown, status)
            if status < 300 and sink is not None:
                return self._drain(response, sink, method, shown, attempt)
            if status < 300:
                return response.content if raw else self._parse(method, shown, response)
            if method == "DELETE" and status == 404 and attempt > 1:
                return None  # an earlier attempt deleted it and its response was lost
            if replayable and (idempotent or status == 429) and self.retry.should_retry(attempt, status):
                response.close()
                self._back_off(attempt, status, asked)
                continue
            raise error_for_status(
                method,
                shown,
                response,
                attempts=attempt,
                secret=self._token,
                unknown_outcome="" if idempotent else unknown_outcome,
            )

    def _drain(
        self,
        response: requests.Response,
        sink: Callable[[Iterable[bytes]], Any],
        method: str,
        shown: str,
        attempt: int,
    ) -> Any:
        try:
            return sink(response.iter_content(1 << 20))
        except requests.RequestException as exc:
            raise error_for_exception(method, shown, exc, attempts=attempt, secret=self._token) from None
        finally:
            response.close()

    def _too_long(self, wait: WaitTooLong, method: str, shown: str) -> RateLimited:
        until = time.strftime("%H:%M UTC", time.gmtime(wait.until))
        return RateLimited(
            f"{self.base_url} asks for a {wait.seconds / 60:.0f} min pause before the next request (its "
            f"rate limit for this token is spent). Nothing is lost: run the same command again after "
            f"{until}, or let it wait with --max-wait {math.ceil(wait.seconds)}.",
            status=429,
            method=method,
            url=shown,
        )

    def _back_off(self, attempt: int, status: int, asked: float | None) -> None:
        """Wait before attempt ``attempt + 1``; ``asked`` is what the server asked for, if anything."""
        if status == 429:
            # A 429 concerns every thread: the limiter already holds them all for what the
            # server asked; without guidance, hold them all for the policy's backoff.
            if asked is None:
                self.limiter.block(self.retry.delay(attempt, status=status, server_wait=None))
            return
        self.retry.wait(attempt, status=status, server_wait=asked)

    def _parse(self, method: str, shown: str, response: requests.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                scrub(
                    f"{method} {urlsplit(shown).path} answered {response.status_code} with a body that is not "
                    "JSON; check that the server URL points at an InvenioRDM instance.",
                    self._token,
                ),
                status=response.status_code,
                method=method,
                url=shown,
            ) from None
