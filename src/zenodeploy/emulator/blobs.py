"""Content-addressed file bytes on disk, and streaming a request body into them.

A blob lives at ``<data_dir>/blobs/<md5[:2]>/<md5>``: two files with the same bytes share
one blob, so files-import and publish link blobs instead of copying bytes. (md5 addressing
is enough for an emulator; it is the checksum Zenodo reports anyway.) A body is written to
a temporary file while its md5 is computed (``sink.Sink``: on helper threads, while the next
bytes arrive), then renamed into place; a body that ends early (client gone, or a fault that
drops the connection) leaves no blob.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zenodeploy.emulator.sink import Sink

CHUNK = 1024 * 1024


class BodyTooLarge(Exception):
    """The body passed the configured byte limit."""


class BodyOverrun(Exception):
    """The body is longer than advertised (its Content-Length, or the size declared for the key)."""


class BodyIncomplete(Exception):
    """The body ended before the announced length (the client went away)."""


@dataclass(frozen=True, slots=True)
class Blob:
    md5: str
    size: int


class BlobStore:
    """Blobs under ``root``; ``tmp`` holds bodies still being received."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, md5: str) -> Path:
        return self.root / md5[:2] / md5

    def exists(self, md5: str) -> bool:
        return self.path(md5).is_file()

    def receive(
        self,
        stream: IO[bytes],
        length: int | None,
        *,
        limit: int | None = None,
        expected: int | None = None,
        overrun: Callable[[], bool] | None = None,
        drop_after: int | None = None,
        on_drop: object = None,
    ) -> Blob:
        """Copy ``stream`` to a new blob in 1 MiB chunks; ``length`` None means read to EOF (chunked).

        ``drop_after`` stops after that many bytes and calls ``on_drop()`` (which cuts the
        connection) before raising ``BodyIncomplete``: the fault injector's dropped upload.
        A body past ``limit`` raises ``BodyTooLarge``; past ``expected`` (a chunked body's
        declared size), or with ``overrun()`` true once ``length`` bytes were read (more bytes
        already waiting), ``BodyOverrun`` (invenio-files-rest storage/base.py ``_write_stream``).
        """
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                sink = Sink(out, CHUNK)
                try:
                    while length is None or size < length:
                        want = CHUNK if length is None else min(CHUNK, length - size)
                        if drop_after is not None:
                            want = min(want, drop_after - size)
                            if want <= 0:
                                sink.close()  # first: the entry goes as soon after the cut as before
                                if callable(on_drop):
                                    on_drop()
                                raise BodyIncomplete("the connection was dropped by a fault")
                        view = sink.buffer()
                        got = _fill(stream, view, want)
                        if got:
                            sink.put(view, got)
                        size += got
                        if limit is not None and size > limit:
                            raise BodyTooLarge(str(limit))
                        if expected is not None and size > expected:
                            raise BodyOverrun(str(expected))
                        if got < want:
                            if length is None:
                                break
                            raise BodyIncomplete(f"the body ended after {size} of {length} bytes")
                    if length is not None and overrun is not None and overrun():
                        raise BodyOverrun(str(length))
                    digest = sink.finish()
                finally:
                    sink.close()
            final = self.path(digest)
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(final)
            return Blob(digest, size)
        finally:
            tmp.unlink(missing_ok=True)

    def iter_bytes(self, md5: str) -> Iterator[bytes]:
        """The blob's bytes in chunks, for streaming a download."""
        with self.path(md5).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk


def _fill(stream: IO[bytes], view: memoryview, want: int) -> int:
    """Read until ``want`` bytes are in ``view`` or the stream ends: a socket hands over what has
    arrived (often 64 KiB), and hashing and writing whole 1 MiB buffers costs less per byte."""
    got = 0
    while got < want and (count := stream.readinto(view[got:want])):  # type: ignore[attr-defined]
        got += count
    return got
