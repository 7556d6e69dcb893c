"""The WSGI application: auth, rate limits, faults and stats around the route handlers.

Every response of the Zenodo API carries the rate-limit headers (when a limit is set);
admin routes under ``/api/_emulator/`` are neither limited nor counted. A request is logged
at debug level as method, path (never the query string, which may hold a token) and status.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request

from zenodeploy.emulator import text, wire
from zenodeploy.emulator.faults import Fault, Faults
from zenodeploy.emulator.ratelimit import RateLimiter
from zenodeploy.emulator.replies import HttpError, Reply

log = logging.getLogger("zenodeploy.emulator")


@dataclass(slots=True)
class Call:
    """One request as handlers see it: the caller, the body, the base URL, the fault hooks."""

    request: Request
    user: str | None
    base: str
    args: Mapping[str, str]
    drop_after: int | None = None

    def json(self) -> Any:
        raw = self.request.get_data(cache=True)
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise HttpError(400, "The request body is not valid JSON.") from None

    @property
    def stream(self) -> IO[bytes]:
        stream: IO[bytes] = self.request.environ["wsgi.input"]
        return stream

    @property
    def length(self) -> int | None:
        if self.request.environ.get("wsgi.input_terminated"):
            return None  # chunked: read to the end
        return self.request.content_length or 0

    def surplus(self) -> bool:
        return wire.surplus(self.request.environ)

    def close_after(self) -> None:
        wire.close_after(self.request.environ)

    def drop_connection(self) -> None:
        """Reset the TCP connection now (the fault of a dropped upload); raises ConnectionResetError.

        SO_LINGER 0 makes the close send a RST, so the client fails at once instead of
        waiting for an answer; the handler is told not to read another request.
        """
        environ = self.request.environ
        handler = environ.get("zenodeploy.handler")
        if handler is not None:
            handler.close_connection = True
        sock: socket.socket | None = environ.get("werkzeug.socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionResetError("the connection was dropped by an injected fault")


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    responses: Counter[str] = field(default_factory=Counter)
    bytes_received: int = 0
    in_flight: Counter[str] = field(default_factory=Counter)  # "all" and "uploads" (content PUTs) now
    peak_in_flight: Counter[str] = field(default_factory=Counter)  # their highest values
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, kinds: tuple[str, ...]) -> None:
        with self.lock:
            for kind in kinds:
                self.in_flight[kind] += 1
                self.peak_in_flight[kind] = max(self.peak_in_flight[kind], self.in_flight[kind])

    def leave(self, kinds: tuple[str, ...]) -> None:
        with self.lock:
            for kind in kinds:
                self.in_flight[kind] -= 1

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": dict(self.requests),
                "routes": dict(self.routes),
                "responses": dict(self.responses),
                "bytes_received": self.bytes_received,
                "peak_in_flight": dict(self.peak_in_flight),
            }

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.routes.clear()
            self.responses.clear()
            self.bytes_received = 0
            self.peak_in_flight.clear()


Handler = Callable[..., Reply]


class App:
    """Dispatches to ``handlers[endpoint]`` of ``url_map``; ``tokens`` maps token → user name."""

    def __init__(
        self,
        url_map: Map,
        handlers: Mapping[str, Handler],
        tokens: Mapping[str, str],
        limiter: RateLimiter,
        faults: Faults,
        *,
        admin_token: str,
        html_tags: frozenset[str] | None = None,
    ) -> None:
        self.admin_token = admin_token  # required by /api/_emulator/*: faults and stats steer tests
        self.html_tags = html_tags
        self.url_map = url_map
        self.handlers = handlers
        self.tokens = dict(tokens)
        self.limiter = limiter
        self.faults = faults
        self.stats = Stats()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = wire.CountingInput(environ["wsgi.input"])  # the stats count the bytes actually read
        environ["wsgi.input"] = body
        request = Request(environ)
        path = request.path
        admin = path.startswith("/api/_emulator/")
        kinds = () if admin else ("all", "uploads") if _is_upload(request) else ("all",)
        self.stats.enter(kinds)
        policy = text.HTML_TAGS.set(self.html_tags) if self.html_tags is not None else None
        try:
            reply, route = self._dispatch(request, admin)
        except ConnectionError:
            with self.stats.lock:
                self.stats.requests[request.method] += 1
                self.stats.responses["dropped"] += 1
                self.stats.bytes_received += body.count
            log.debug("%s %s -> connection dropped", request.method, path)
            raise
        finally:
            self.stats.leave(kinds)
            if policy is not None:
                text.HTML_TAGS.reset(policy)
        if not admin:
            with self.stats.lock:
                self.stats.requests[request.method] += 1
                self.stats.routes[f"{request.method} {route}"] += 1
                self.stats.responses[str(reply.status)] += 1
                self.stats.bytes_received += body.count
        log.debug("%s %s -> %s", request.method, path, reply.status)
        return _respond(reply, start_response)

    def _dispatch(self, request: Request, admin: bool) -> tuple[Reply, str]:
        adapter = self.url_map.bind_to_environ(request.environ)
        route = request.path
        limit_headers: dict[str, str] = {}
        try:
            rule, values = adapter.match(return_rule=True)
            route = rule.rule.replace("<path:", "<").replace("<", "{").replace(">", "}")
            if admin:
                self._check_admin(request)
                return self.handlers[str(rule.endpoint)](self._call(request), **values), route
            key = f"{request.user_agent.string}|{request.remote_addr}"
            verdict = self.limiter.hit(key)
            limit_headers = verdict.headers
            if not verdict.allowed:
                return _error(HttpError(429, verdict.message), limit_headers), route
            firing = self.faults.take(request.method, request.path)
            return self._run(request, str(rule.endpoint), values, firing, key, limit_headers), route
        except HttpError as exc:
            return _error(exc, limit_headers), route
        except (NotFound, MethodNotAllowed) as exc:
            return _error(HttpError(exc.code or 404, str(exc.description)), limit_headers), route
        except HTTPException as exc:  # pragma: no cover - werkzeug's other refusals
            return _error(HttpError(exc.code or 500, str(exc.description)), limit_headers), route

    def _run(
        self,
        request: Request,
        endpoint: str,
        values: Mapping[str, Any],
        firing: list[Fault],
        key: str,
        headers: dict[str, str],
    ) -> Reply:
        call = self._call(request)
        for fault in firing:
            if fault.latency:
                time.sleep(fault.latency)
            if fault.drop_after_bytes is not None:
                call.drop_after = fault.drop_after_bytes
        before = [f for f in firing if f.status is not None and not f.after]
        if before:
            status = before[0].status or 500
            extra = self.limiter.peek_headers(key) if status == 429 else {}
            if before[0].retry_after is not None:
                extra["Retry-After"] = f"{before[0].retry_after:g}"
            message = self.limiter.describe() if status == 429 else "Internal server error."
            return _error(HttpError(status, message), {**headers, **extra})
        reply = self.handlers[endpoint](call, **values)
        after = [f for f in firing if f.status is not None and f.after]
        if after:  # the operation happened; the client only sees an error, as when a reply is lost
            return _error(HttpError(after[0].status or 500, "Internal server error."), headers)
        reply.headers = {**reply.headers, **headers}
        return reply

    def _check_admin(self, request: Request) -> None:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.admin_token}".encode()):
            raise HttpError(
                403,
                "The emulator's admin endpoints need its admin token: send 'Authorization: Bearer <admin "
                "token>' (printed by 'zenodeploy emulator'; Emulator.admin_token in Python).",
            )

    def _call(self, request: Request) -> Call:
        token = request.args.get("access_token", "")
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        user = self.tokens.get(token)  # an unknown token is anonymous, as on Zenodo
        base = f"{request.scheme}://{request.host}"
        args = {k: v for k, v in request.args.items() if k != "access_token"}
        return Call(request, user, base, args)


def _error(exc: HttpError, headers: Mapping[str, str]) -> Reply:
    return Reply(status=exc.status, body=exc.body(), headers=dict(headers))


def _is_upload(request: Request) -> bool:
    """A file's content being sent: ``PUT /api/records/{id}/draft/files/{key}/content``."""
    return request.method == "PUT" and request.path.endswith("/content")


def _respond(reply: Reply, start_response: Callable[..., Any]) -> Iterable[bytes]:
    from werkzeug.http import HTTP_STATUS_CODES

    headers = [("Content-Type", reply.content_type), *reply.headers.items()]
    status_line = f"{reply.status} {HTTP_STATUS_CODES.get(reply.status, 'Unknown')}"
    if reply.stream is not None:
        if isinstance(reply.stream, list) and not any(k.lower() == "content-length" for k, _ in headers):
            headers.append(("Content-Length", str(sum(len(chunk) for chunk in reply.stream))))
        start_response(status_line, headers)
        return reply.stream
    payload = b"" if reply.body is None else json.dumps(reply.body).encode()
    headers.append(("Content-Length", str(len(payload))))
    start_response(status_line, headers)
    return [payload]
