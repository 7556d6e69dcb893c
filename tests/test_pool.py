"""zenodeploy.reconcile.pool.run_all: results in order, every item runs, the first failure in order is raised."""

from __future__ import annotations

import threading

import pytest

from zenodeploy.reconcile.pool import run_all


def test_results_keep_the_items_order_and_use_several_threads() -> None:
    names: set[str] = set()
    barrier = threading.Barrier(3, timeout=5)  # passes only if three items run at the same time

    def square(n: int) -> int:
        names.add(threading.current_thread().name)
        if n < 3:
            barrier.wait()
        return n * n

    assert run_all(square, [0, 1, 2, 3, 4], 3, "t") == [0, 1, 4, 9, 16]
    assert len(names) == 3 and all(name.startswith("t-") for name in names)


def test_every_item_runs_and_the_first_failure_in_item_order_is_raised() -> None:
    done: list[int] = []

    def work(n: int) -> int:
        if n in (1, 3):
            raise ValueError(f"item {n}")
        done.append(n)
        return n

    with pytest.raises(ValueError, match="item 1"):
        run_all(work, [0, 1, 2, 3, 4], 2, "t")
    assert sorted(done) == [0, 2, 4]


def test_no_items_no_threads() -> None:
    assert run_all(lambda n: n, [], 4, "t") == []


def test_workers_are_daemon_threads_so_an_interrupted_run_can_exit() -> None:
    daemon: list[bool] = []
    run_all(lambda n: daemon.append(threading.current_thread().daemon), [1, 2], 2, "t")
    assert daemon == [True, True]
