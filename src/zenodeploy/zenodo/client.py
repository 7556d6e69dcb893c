"""``ZenodoClient``: the InvenioRDM endpoints zenodeploy uses, over one :class:`HttpTransport`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from zenodeploy.zenodo.endpoints import Endpoints
from zenodeploy.zenodo.file_endpoints import FileEndpoints
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.transport import HttpTransport


class ZenodoClient(Endpoints, FileEndpoints):
    """A client for one InvenioRDM server. Thread-safe for concurrent calls.

    Takes the options of :class:`HttpTransport` (``timeout``, ``limiter``, ``retry``,
    ``session``, ``max_in_flight``); ``requests_made`` counts attempts sent, by method.
    """

    def __init__(self, base_url: str, token: str | None, **options: Any) -> None:
        self.http = HttpTransport(base_url, token, **options)
        super().__init__(self.http)

    def __repr__(self) -> str:
        return repr(self.http).replace("HttpTransport", "ZenodoClient", 1)

    @property
    def base_url(self) -> str:
        return self.http.base_url

    @property
    def requests_made(self) -> Counter[str]:
        return self.http.requests_made

    @property
    def max_in_flight(self) -> int:
        return self.http.max_in_flight

    @property
    def limiter(self) -> RateLimiter:
        return self.http.limiter

    @property
    def retry(self) -> RetryPolicy:
        return self.http.retry

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

    def __enter__(self) -> ZenodoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
