"""Receiving a body into a blob: bytes arriving in small pieces, md5 and write on helper threads."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from zenodeploy.emulator.blobs import BlobStore, BodyIncomplete
from zenodeploy.emulator.sink import Sink

DATA = os.urandom(3 * 1024 * 1024 + 12345)


class Trickle(io.RawIOBase):
    """A stream handing over at most ``piece`` bytes per read, as a socket does."""

    def __init__(self, data: bytes, piece: int) -> None:
        self._data, self._piece, self._at = data, piece, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self._piece, len(self._data) - self._at)
        buffer[:count] = self._data[self._at : self._at + count]
        self._at += count
        return count


@pytest.mark.parametrize("length", [len(DATA), None])
def test_a_body_arriving_in_small_pieces_is_stored_whole_with_its_md5(
    tmp_path: Path, length: int | None
) -> None:
    store = BlobStore(tmp_path)
    with Trickle(DATA, 65536) as stream:
        blob = store.receive(stream, length)
    assert blob.md5 == hashlib.md5(DATA).hexdigest() and blob.size == len(DATA)
    assert store.path(blob.md5).read_bytes() == DATA
    assert list(store.tmp.iterdir()) == []


def test_a_body_ending_early_leaves_no_blob(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with Trickle(DATA, 65536) as stream, pytest.raises(BodyIncomplete):
        store.receive(stream, len(DATA) + 1)
    assert list(store.tmp.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]


class FullDisk(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        raise OSError(28, "No space left on device")


def test_a_write_error_on_the_helper_thread_reaches_the_receiver() -> None:
    with FullDisk() as out:
        sink = Sink(out, 1024, buffers=2)
        try:
            view = sink.buffer()
            sink.put(view, 10)
            with pytest.raises(OSError, match="No space left"):
                sink.finish()
        finally:
            sink.close()
