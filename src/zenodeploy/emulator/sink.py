"""Hashing and writing a received body on two helper threads, while the next bytes arrive.

Receiving, md5 and writing each cost about as much per byte; one after the other in the
request's thread they made the emulator the ceiling of every throughput test. ``Sink`` runs
them as a pipeline over a few 1 MiB buffers: the request thread fills a buffer from the
socket, one thread hashes it, the next writes it, and it goes back to be filled again. All
three release the GIL during their work (``recv_into``, ``hashlib`` on more than 2 KiB,
``write``), so they overlap on separate cores. invenio-files-rest computes the checksum
while it streams the body to storage (``storage/pyfs.py`` ``save`` → ``_write_stream``); this
is the same single pass, split across threads.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import IO

Item = tuple[memoryview, int] | None


class Sink:
    """Buffers to fill (``buffer``) and hand back filled (``put``); ``finish`` returns the md5.

    A write error stops nothing at once: it is raised by the next ``buffer``/``finish``. Call
    ``close`` in a ``finally`` (it stops the helper threads; idempotent)."""

    def __init__(self, out: IO[bytes], chunk: int, buffers: int = 4) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self._out = out
        self._free: queue.Queue[memoryview] = queue.Queue()
        for _ in range(buffers):
            self._free.put(memoryview(bytearray(chunk)))
        self._to_hash: queue.Queue[Item] = queue.Queue()
        self._to_write: queue.Queue[Item] = queue.Queue()
        self._error: BaseException | None = None
        self._threads = [
            threading.Thread(target=self._hash, name="emulator-md5", daemon=True),
            threading.Thread(target=self._write, name="emulator-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def buffer(self) -> memoryview:
        """An empty buffer (waits while all are being hashed or written)."""
        self._raise()
        return self._free.get()

    def put(self, view: memoryview, count: int) -> None:
        """The first ``count`` bytes of ``view`` are the next part of the body."""
        self._to_hash.put((view, count))

    def finish(self) -> str:
        """Wait until every byte is hashed and written; the md5 (hex) of the whole body."""
        self.close()
        self._raise()
        return self.md5.hexdigest()

    def close(self) -> None:
        if self._threads:
            self._to_hash.put(None)
            for thread in self._threads:
                thread.join()
            self._threads = []

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _hash(self) -> None:
        while (item := self._to_hash.get()) is not None:
            view, count = item
            self.md5.update(view[:count])
            self._to_write.put(item)
        self._to_write.put(None)

    def _write(self) -> None:
        while (item := self._to_write.get()) is not None:
            view, count = item
            try:
                if self._error is None:
                    self._out.write(view[:count])
            except BaseException as exc:  # kept for the request thread, which reports it
                self._error = exc
            self._free.put(view)
