"""Parallel work that Ctrl-C does not have to wait for: daemon worker threads.

``concurrent.futures`` joins its (non-daemon) workers when the interpreter exits, so a Ctrl-C
during an upload waited for the upload, and then for every queued deposition, before the
process could exit with 130. Here an interrupt stops the
queue at once and the caller re-raises; a request still in flight dies with the process, and
the next run finishes it (the lock is written after every create, observe re-reads the rest).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_all(fn: Callable[[T], R], items: Sequence[T], workers: int, name: str) -> list[R]:
    """``fn(item)`` for every item, ``workers`` at a time; the results in the items' order.

    Every item runs even when another fails (as with ``ThreadPoolExecutor.map`` inside a
    ``with`` block); then the first failure in item order is raised. A ``KeyboardInterrupt``
    in the waiting thread stops handing out items and is re-raised without waiting.
    """
    results: list[R | None] = [None] * len(items)
    errors: list[BaseException | None] = [None] * len(items)
    lock = threading.Lock()
    stop = threading.Event()
    pending = iter(range(len(items)))

    def work() -> None:
        while not stop.is_set():
            with lock:
                index = next(pending, None)
            if index is None:
                return
            try:
                results[index] = fn(items[index])
            except BaseException as exc:
                errors[index] = exc

    threads = [
        threading.Thread(target=work, name=f"{name}-{n}", daemon=True)
        for n in range(max(1, min(workers, len(items))))
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        stop.set()
        raise
    for error in errors:
        if error is not None:
            raise error
    return results  # type: ignore[return-value]  # every slot was filled: no error was raised


class SharedPool:
    """``workers`` daemon threads shared by many callers (every deposition's uploads of a run).

    ``map`` hands the pool its items and waits for them, so N depositions with many files each
    use N upload threads in all, not N per deposition. Callers must not be pool workers
    themselves (a worker waiting for its own pool could starve it).
    """

    def __init__(self, workers: int, name: str) -> None:
        self.workers = max(1, workers)
        self._name = name
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._started = 0
        self._start_lock = threading.Lock()

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn(item)`` for every item on the pool; the results in order; the first failure in order raised."""
        if not items:
            return []
        results: list[R | None] = [None] * len(items)
        errors: list[BaseException | None] = [None] * len(items)
        left = [len(items)]
        finished = threading.Condition()

        def job(index: int) -> Callable[[], None]:
            def run() -> None:
                try:
                    results[index] = fn(items[index])
                except BaseException as exc:
                    errors[index] = exc
                with finished:
                    left[0] -= 1
                    finished.notify_all()

            return run

        self._start()
        for index in range(len(items)):
            self._jobs.put(job(index))
        with finished:
            finished.wait_for(lambda: left[0] == 0)
        for error in errors:
            if error is not None:
                raise error
        return results  # type: ignore[return-value]  # every slot was filled: no error was raised

    def _start(self) -> None:
        with self._start_lock:
            while self._started < self.workers:
                self._started += 1
                threading.Thread(target=self._work, name=f"{self._name}-{self._started}", daemon=True).start()

    def _work(self) -> None:
        while True:
            self._jobs.get()()
