"""The request body on the wire: counting the bytes read, spotting bytes past Content-Length.

``CountingInput`` wraps ``wsgi.input`` so the stats count the body bytes actually received
(uploads included, chunked or cut short). ``surplus`` tells whether more body bytes already
wait on the connection once Content-Length bytes were read: a body longer than it claims.
invenio-files-rest ``storage/base.py`` ``_write_stream`` never writes more than advertised
("File is bigger than expected."); a WSGI server behind a proxy would instead parse the extra
bytes as the next request, so the emulator refuses the upload and closes the connection.
"""

from __future__ import annotations

import re
import socket
from typing import IO, Any

_REQUEST_LINE = re.compile(rb"[A-Z]{1,12}(?: |$)")  # a pipelined next request, not body bytes


class CountingInput:
    """A readable stream that counts the bytes read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        got = self._stream.readinto(buffer)  # type: ignore[attr-defined]
        self.count += got or 0
        return int(got or 0)

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self.count += len(data)
        return data

    def readable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def surplus(environ: dict[str, Any]) -> bool:
    """Whether body bytes beyond Content-Length have already arrived (checked without waiting)."""
    handler = environ.get("zenodeploy.handler")
    sock: socket.socket | None = environ.get("werkzeug.socket")
    if handler is None or sock is None:
        return False
    timeout = sock.gettimeout()
    try:
        sock.setblocking(False)
        waiting = handler.rfile.peek(1)
    except OSError:
        waiting = b""
    finally:
        sock.settimeout(timeout)
    return bool(waiting) and not _REQUEST_LINE.match(waiting[:13])


def close_after(environ: dict[str, Any]) -> None:
    """Close the connection once this answer is sent: the rest of the body was not read."""
    handler = environ.get("zenodeploy.handler")
    if handler is not None:
        handler.close_connection = True
