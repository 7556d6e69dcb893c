"""Fixtures for the client tests: a fake clock, a client wired to it, and strict ``responses``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from zenodo_fakes import BASE, TOKEN

from fake_clock import FakeClock
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> Iterator[ZenodoClient]:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    # uniform → its upper bound, so backoff delays are deterministic.
    retry = RetryPolicy(sleep=clock.sleep, uniform=lambda low, high: high)
    with ZenodoClient(BASE, TOKEN, limiter=limiter, retry=retry) as c:
        yield c


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
