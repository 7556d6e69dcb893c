"""Pacing before the server says 429, from its X-RateLimit-* headers, on a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import responses
from zenodo_fakes import BASE

from fake_clock import FakeClock
from zenodeploy.zenodo.budget import BudgetFile
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.ratelimit import RateLimiter, parse_retry_after


def _headers(clock: FakeClock, *, limit: int, remaining: int, reset_in: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(clock.now + reset_in)),
        "Retry-After": str(int(reset_in)),  # Zenodo sends it on 2xx too; it must not block there
    }


def test_remaining_zero_makes_the_next_request_wait_until_the_reset(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", json={}, headers=_headers(clock, limit=100, remaining=0, reset_in=30))
    rsps.get(f"{BASE}/api/records/2", json={})
    client.get_record("1")
    assert clock.sleeps == []
    client.get_record("2")
    assert clock.sleeps == [30.0]
    assert client.limiter.waited_seconds == 30.0


def test_plenty_remaining_means_no_waiting_even_with_retry_after_on_2xx(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    for _ in range(3):
        rsps.get(
            f"{BASE}/api/records/1", json={}, headers=_headers(clock, limit=100, remaining=90, reset_in=40)
        )
    for _ in range(3):
        client.get_record("1")
    assert clock.sleeps == []


def test_a_job_the_budget_covers_goes_at_full_speed_down_to_the_last_request(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=10, reset_in=20))
    for _ in range(10):
        limiter.acquire()
        limiter.release(200, {})
    assert clock.sleeps == []  # the last 10 of 100 are not spread over the window
    limiter.acquire()  # the 11th has no budget left: it waits for the reset
    assert clock.sleeps == [20.0]


def _in_thread(action: Callable[[], object]) -> None:
    """Run ``action`` in another thread (the limiter tells requests apart by the thread that sent them)."""
    worker = threading.Thread(target=action)
    worker.start()
    worker.join(5)


def test_requests_sent_later_and_still_in_flight_count_against_the_budget(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, poll=1.0)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=50, reset_in=30))
    _in_thread(limiter.acquire)  # sent first…
    limiter.acquire()  # …then this one, which the other's answer may not count
    _in_thread(lambda: limiter.release(200, _headers(clock, limit=100, remaining=1, reset_in=9)))
    _in_thread(limiter.acquire)  # held until the reset, looking again every second while a response is due
    assert sum(clock.sleeps) == pytest.approx(9.0) and clock.sleeps[0] == 1.0


def test_requests_sent_earlier_were_counted_by_the_answer_to_a_later_one(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=50, reset_in=30))
    _in_thread(limiter.acquire)  # sent first, still in flight
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=1, reset_in=30))  # counts both
    limiter.acquire()  # the last slot is used, not left to the one already counted
    assert clock.sleeps == []


def test_a_response_still_due_may_free_the_wait_early(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, poll=1.0)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=2, reset_in=30))
    limiter.acquire()
    limiter.acquire()
    waiter = threading.Thread(target=limiter.acquire)
    original = clock.sleep

    def sleep_then_answer(seconds: float) -> None:
        original(seconds)
        if len(clock.sleeps) == 2:  # a moving window freed two slots meanwhile
            limiter.release(200, _headers(clock, limit=100, remaining=3, reset_in=31))

    limiter._sleep = sleep_then_answer  # type: ignore[method-assign]
    waiter.start()
    waiter.join(5)
    assert not waiter.is_alive() and clock.sleeps == [1.0, 1.0]


def test_a_late_response_about_the_same_window_frees_nothing(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=50, reset_in=20))
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=0, reset_in=20))
    limiter.release(200, _headers(clock, limit=100, remaining=2, reset_in=20))  # an older view, arriving late
    limiter.acquire()
    assert clock.sleeps == [20.0]


def test_a_new_limiter_sends_one_probe_and_holds_the_rest_for_its_answer(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, poll=0.5)
    limiter.acquire()
    held = threading.Thread(target=limiter.acquire)
    original = clock.sleep

    def sleep_then_answer(seconds: float) -> None:
        original(seconds)
        limiter.release(200, _headers(clock, limit=100, remaining=99, reset_in=60))

    limiter._sleep = sleep_then_answer  # type: ignore[method-assign]
    held.start()
    held.join(5)
    assert clock.sleeps == [0.5]
    clock.sleeps.clear()
    for _ in range(97):  # 99 less the probe (its answer came from elsewhere) and the one held
        limiter.acquire()
    assert clock.sleeps == []


def test_the_budget_is_remembered_for_the_next_process(clock: FakeClock, tmp_path: Path) -> None:
    path = tmp_path / "ratelimit.json"
    first = RateLimiter(clock=clock.time, sleep=clock.sleep)
    first.remember(BudgetFile(path, "https://zenodo.test", "secret-token"))
    first.acquire()
    first.release(200, _headers(clock, limit=100, remaining=0, reset_in=40))
    assert "secret-token" not in path.read_text()
    clock.sleep(10)
    second = RateLimiter(clock=clock.time, sleep=clock.sleep)
    second.remember(BudgetFile(path, "https://zenodo.test", "secret-token"))
    other = RateLimiter(clock=clock.time, sleep=clock.sleep)
    other.remember(BudgetFile(path, "https://zenodo.test", "another-token"))
    clock.sleeps.clear()
    other.acquire()  # another token's budget is its own
    second.acquire()  # no 429 to learn it from: the spent budget waits for its reset at once
    assert clock.sleeps == [30.0]
    third = RateLimiter(clock=clock.time, sleep=clock.sleep)
    third.remember(BudgetFile(path, "https://zenodo.test", "secret-token"))
    assert third.acquire() == 0.0  # the window has reset since: nothing remembered applies


def test_a_429_is_recovered_from_and_the_budget_spent_again(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=50, reset_in=60))
    limiter.acquire()  # another client spent the budget meanwhile
    assert limiter.release(429, _headers(clock, limit=100, remaining=0, reset_in=15)) == 15.0
    limiter.acquire()
    assert clock.sleeps == [15.0]
    limiter.release(200, _headers(clock, limit=100, remaining=20, reset_in=45))
    clock.sleeps.clear()
    for _ in range(20):
        limiter.acquire()
    assert clock.sleeps == []


def test_after_an_exhausted_window_resets_one_probe_goes_and_the_rest_wait_for_its_answer(
    clock: FakeClock,
) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep, probe_timeout=3.0, poll=0.5)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=100, remaining=0, reset_in=5))
    limiter.acquire()  # waits for the reset, then is the probe
    assert clock.sleeps == [5.0]
    limiter.acquire()  # no answer from the probe: held, but not longer than probe_timeout
    assert sum(clock.sleeps[1:]) == pytest.approx(3.0)
    limiter.release(200, _headers(clock, limit=100, remaining=80, reset_in=60))
    limiter.release(200, _headers(clock, limit=100, remaining=79, reset_in=60))
    clock.sleeps.clear()
    limiter.acquire()
    assert clock.sleeps == []


def test_a_429_holds_every_caller_for_retry_after(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    assert limiter.release(429, {"Retry-After": "12"}) == 12.0
    limiter.acquire()
    assert clock.sleeps == [12.0]


@pytest.mark.parametrize("status", [503, 500, 502])
def test_a_5xx_retry_after_pauses_only_the_request_that_got_it(clock: FakeClock, status: int) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    assert limiter.release(status, {"Retry-After": "30"}) == 30.0  # for that request's own retry
    assert limiter.acquire() == 0.0  # every other request goes at once
    assert clock.sleeps == []


def test_a_503_retry_after_delays_its_retry_while_others_go_on(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", status=503, headers={"Retry-After": "17"})
    rsps.get(f"{BASE}/api/records/1", json={})
    rsps.get(f"{BASE}/api/records/2", json={})
    client.get_record("1")
    assert clock.sleeps == [17.0]  # the retry of record 1 waited as asked…
    client.get_record("2")
    assert clock.sleeps == [17.0] and client.limiter.waited_seconds == 0.0  # …and held nobody


def test_a_429_asking_for_no_wait_still_holds_a_second_and_a_2xx_never_holds(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    assert limiter.release(200, {"Retry-After": "40"}) is None
    limiter.acquire()
    assert limiter.release(429, {"Retry-After": "0"}) == 1.0
    limiter.acquire()
    assert clock.sleeps == [1.0]


def test_a_429_without_retry_after_holds_until_the_reset(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock.time, sleep=clock.sleep)
    limiter.acquire()
    limiter.release(429, {"X-RateLimit-Reset": "8", "X-RateLimit-Remaining": "0"})  # a delta, not an epoch
    limiter.acquire()
    assert clock.sleeps == [8.0]


def test_the_budget_is_never_overspent_by_concurrent_callers(clock: FakeClock) -> None:
    class WouldWait(Exception):
        pass

    def refuse(seconds: float) -> None:
        raise WouldWait

    limiter = RateLimiter(clock=clock.time, sleep=refuse)
    limiter.acquire()
    limiter.release(200, _headers(clock, limit=1000, remaining=40, reset_in=600))
    granted: list[int] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(10):
            try:
                limiter.acquire()
            except WouldWait:
                continue
            granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 40


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("39", 0.0) == 39.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 30.0) == 30.0
    assert parse_retry_after("soon", 0.0) is None
    assert parse_retry_after(None, 0.0) is None
