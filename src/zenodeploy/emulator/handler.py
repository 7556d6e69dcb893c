"""The emulator's request handler: werkzeug's, quiet and with HTTP/1.1 keep-alive."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.serving import WSGIRequestHandler

log = logging.getLogger("zenodeploy.emulator")


class QuietHandler(WSGIRequestHandler):
    """werkzeug's handler without its access log (request lines may carry ``access_token``), and
    with HTTP/1.1 keep-alive: werkzeug closes every connection, for ``http.server`` cannot drain
    a request body the application left unread. Here the body is counted as it is read, and the
    connection is kept when the whole body was read (or a small rest could be drained)."""

    protocol_version = "HTTP/1.1"
    drain_limit = 64 * 1024
    # Headers and body go out in separate writes: on a kept connection Nagle's algorithm would
    # hold the body for the client's delayed ACK (~40 ms a response).
    disable_nagle_algorithm = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["zenodeploy.handler"] = self  # lets a fault close the connection after this request
        self._body: _CountedInput | None = None
        if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            length = int(environ.get("CONTENT_LENGTH") or 0)
            self._body = _CountedInput(environ["wsgi.input"], length)
            environ["wsgi.input"] = self._body
        return environ

    def run_wsgi(self) -> None:
        """werkzeug's ``run_wsgi`` without its closing and its drain of the socket (which would
        swallow the next request): the application always gives a Content-Length."""
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.environ = self.make_environ()
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return self.wfile.write

        try:
            body = self.server.app(environ, start_response)
            try:
                status, headers = started
                code, _, reason = status.partition(" ")
                self.send_response(int(code), reason)
                for key, value in headers:
                    self.send_header(key, value)
                sized = any(key.lower() == "content-length" for key, _ in headers)
                if not (sized and self._may_keep_alive()):
                    self.send_header("Connection", "close")  # also sets close_connection
                self.end_headers()
                for chunk in body:
                    self.wfile.write(chunk)
                self.wfile.flush()
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
        except (ConnectionError, TimeoutError) as error:
            self.close_connection = True
            self.connection_dropped(error, environ)
        except Exception:
            self.close_connection = True
            log.exception("the emulator failed on %s %s", self.command, self.path)
            if not started:
                self.send_error(500)

    def _may_keep_alive(self) -> bool:
        body = getattr(self, "_body", None)
        return not self.close_connection and body is not None and body.drain(self.drain_limit)

    def connection_dropped(self, error: BaseException, environ: dict[str, Any] | None = None) -> None:
        log.debug("connection dropped: %s", type(error).__name__)

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("%s: %s", type, message % args if args else message)


class _CountedInput:
    """A request body of ``length`` bytes that knows how much of it is still unread."""

    def __init__(self, raw: Any, length: int) -> None:
        self._raw = raw
        self.left = length

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self._raw.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(self._raw.readline, size)

    def _take(self, reader: Any, size: int | None) -> bytes:
        want = self.left if size is None or size < 0 else min(size, self.left)
        data: bytes = reader(want) if want else b""
        self.left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), self.left)
        got: int = self._raw.readinto(view[:want]) if want else 0
        self.left -= got or 0
        return got or 0

    def drain(self, limit: int) -> bool:
        """Read and drop what is left, if at most ``limit`` bytes; True when nothing is left."""
        if self.left > limit:
            return False
        while self.left and self.read(self.left):
            pass
        return self.left == 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)
