"""Content PUTs held to their advertised size and the bucket's limits; stats count body bytes."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import requests
from rdm_client import MINIMAL, Api

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

MakeEmulator = Callable[..., Emulator]
BIGGER = "File is bigger than expected."


def _raw_put(url: str, path: str, head: bytes, body: bytes) -> bytes:
    """One PUT sent in a single write; the answer's bytes (the server closes after it)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: {host}\r\n".encode() + head + b"\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def _draft_with(api: Api, *entries: dict[str, object]) -> str:
    draft_id: str = api("POST", "/records", json=MINIMAL).json()["id"]
    assert api("POST", f"/records/{draft_id}/draft/files", json=list(entries)).status_code == 201
    return draft_id


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    while total > 0:
        yield b"x" * min(size, total)
        total -= size


def _no_content(api: Api, draft_id: str, key: str) -> None:
    entry = api("GET", f"/records/{draft_id}/draft/files/{key}").json()
    assert entry["status"] == "pending" and "checksum" not in entry
    commit = api("POST", f"/records/{draft_id}/draft/files/{key}/commit")
    assert commit.status_code == 400


def test_body_longer_than_its_content_length_is_refused(api: Api, emulator: Emulator) -> None:
    draft_id = _draft_with(api, {"key": "a.bin"})
    head = f"Authorization: Bearer {LOCAL_TOKEN}\r\nContent-Length: 10\r\n".encode()
    answer = _raw_put(emulator.url, f"/api/records/{draft_id}/draft/files/a.bin/content", head, b"y" * 5000)
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 400 " in status_line and BIGGER.encode() in rest
    assert answer.count(b"HTTP/1.1") + answer.count(b"HTTP/1.0") == 1  # the surplus was not read as a request
    _no_content(api, draft_id, "a.bin")


def test_pipelined_request_after_the_body_is_not_surplus(api: Api, emulator: Emulator) -> None:
    draft_id = _draft_with(api, {"key": "a.bin"})
    head = f"Authorization: Bearer {LOCAL_TOKEN}\r\nContent-Length: 10\r\n".encode()
    follow = b"GET /api/records HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = _raw_put(
        emulator.url, f"/api/records/{draft_id}/draft/files/a.bin/content", head, b"y" * 10 + follow
    )
    assert answer.startswith(b"HTTP/1.1 200")
    assert api("POST", f"/records/{draft_id}/draft/files/a.bin/commit").json()["size"] == 10


def test_chunked_body_over_the_declared_size_is_refused(api: Api, emulator: Emulator) -> None:
    draft_id = _draft_with(api, {"key": "small.bin", "size": 1000})
    put = api("PUT", f"/records/{draft_id}/draft/files/small.bin/content", data=_chunks(3 * 1024 * 1024))
    assert put.status_code == 400 and put.json()["message"] == BIGGER
    _no_content(api, draft_id, "small.bin")


def test_content_length_over_the_declared_size_is_refused(api: Api) -> None:
    draft_id = _draft_with(api, {"key": "small.bin", "size": 4})
    put = api("PUT", f"/records/{draft_id}/draft/files/small.bin/content", data=b"12345")
    assert put.status_code == 400 and put.json()["message"] == BIGGER


def test_body_within_the_declared_size_is_accepted(api: Api) -> None:
    draft_id = _draft_with(api, {"key": "ok.bin", "size": 200_000})
    put = api("PUT", f"/records/{draft_id}/draft/files/ok.bin/content", data=_chunks(200_000))
    assert put.status_code == 200
    assert api("POST", f"/records/{draft_id}/draft/files/ok.bin/commit").json()["size"] == 200_000


def test_declared_size_must_be_a_whole_number(api: Api) -> None:
    draft_id: str = api("POST", "/records", json=MINIMAL).json()["id"]
    for bad in (-1, "10", 1.5, True):
        init = api("POST", f"/records/{draft_id}/draft/files", json=[{"key": "a", "size": bad}])
        assert init.status_code == 400 and init.json()["errors"][0]["field"] == "size"


def test_chunked_body_over_the_max_file_size_is_refused(make_emulator: MakeEmulator, tmp_path: Path) -> None:
    emulator = make_emulator(tmp_path / "small", max_file_size=100_000)
    api = Api(emulator.url)
    draft_id = _draft_with(api, {"key": "big.bin"})
    put = api("PUT", f"/records/{draft_id}/draft/files/big.bin/content", data=_chunks(2 * 1024 * 1024))
    assert put.status_code == 400 and put.json()["message"] == "Maximum file size exceeded."
    _no_content(api, draft_id, "big.bin")
    assert [p for p in (tmp_path / "small" / "blobs").rglob("*") if p.is_file()] == []


def test_bytes_received_counts_upload_bodies(api: Api, emulator: Emulator) -> None:
    draft_id = _draft_with(api, {"key": "a.bin"}, {"key": "c.bin"})
    emulator.reset_stats()
    assert (
        api("PUT", f"/records/{draft_id}/draft/files/a.bin/content", data=b"z" * 300_000).status_code == 200
    )
    chunked = api("PUT", f"/records/{draft_id}/draft/files/c.bin/content", data=_chunks(200_000))
    assert chunked.status_code == 200
    assert emulator.stats()["bytes_received"] == 500_000
    emulator.add_fault("PUT", "/content", drop_after_bytes=1000)
    api("POST", f"/records/{draft_id}/draft/files", json=[{"key": "d.bin"}])
    emulator.reset_stats()
    with contextlib.suppress(requests.ConnectionError):
        api("PUT", f"/records/{draft_id}/draft/files/d.bin/content", data=b"q" * 100_000)
    deadline = time.monotonic() + 5  # the server thread counts after the client saw the reset
    while emulator.stats()["responses"].get("dropped") != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emulator.stats()["bytes_received"] == 1000  # what arrived before the cut, not the Content-Length
