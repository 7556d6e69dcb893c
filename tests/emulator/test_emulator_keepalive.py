"""HTTP/1.1 keep-alive: many requests over one connection, also after a body left unread."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

HEADERS = {"Authorization": f"Bearer {LOCAL_TOKEN}", "Content-Type": "application/json"}


def _connect(emulator: Emulator) -> http.client.HTTPConnection:
    parts = urlsplit(emulator.url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)


def test_one_connection_serves_many_requests_each_with_a_content_length(
    make_emulator: Callable[..., Emulator],
) -> None:
    connection = _connect(make_emulator())
    connection.connect()
    sock = connection.sock
    for _ in range(5):
        connection.request("POST", "/api/records", body=json.dumps({}), headers=HEADERS)
        response = connection.getresponse()
        assert response.status == 201 and response.getheader("Content-Length") is not None
        assert response.getheader("Connection") != "close"
        draft = json.loads(response.read())
    connection.request("GET", "/api/records/nope", headers=HEADERS)  # an error answer keeps it too
    response = connection.getresponse()
    assert response.status == 404
    response.read()
    connection.request("GET", f"/api/records/{draft['id']}/draft", headers=HEADERS)
    response = connection.getresponse()
    assert response.status == 200 and json.loads(response.read())["id"] == draft["id"]
    assert connection.sock is sock  # never reconnected
    connection.close()


def test_a_body_the_server_did_not_read_is_drained_or_the_connection_closed(
    make_emulator: Callable[..., Emulator],
) -> None:
    connection = _connect(make_emulator())
    try:
        connection.request(
            "POST", "/api/records/nope/draft/files", body=b"[" + b" " * 1000 + b"]", headers=HEADERS
        )
        response = connection.getresponse()
        assert response.status == 404 and response.getheader("Connection") != "close"
        response.read()
        connection.request("GET", "/api/records/nope", headers=HEADERS)  # the small rest was drained
        response = connection.getresponse()
        assert response.status == 404
        response.read()
        large = b" " * (1024 * 1024)
        try:
            connection.request("GET", "/api/records/nope", body=large, headers=HEADERS)  # never read
            response = connection.getresponse()
        except (BrokenPipeError, ConnectionResetError):
            return  # the server answered and closed before the whole body was sent: closed, as wanted
        assert response.status == 404 and response.getheader("Connection") == "close"
    finally:
        connection.close()
