"""Streaming uploads: constant memory, progress, resume, md5 verification."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
import responses
from zenodo_fakes import BASE

from fake_clock import FakeClock
from zenodeploy.errors import ApiError, FilesError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.upload import upload_file

MB = 1024 * 1024
FILES = f"{BASE}/api/records/r1/draft/files"


def _file(tmp_path: Path, size: int, name: str = "data.bin") -> tuple[Path, str]:
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: cheap to create, read like any file
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(MB):
            digest.update(chunk)
    return path, digest.hexdigest()


class Receiver:
    """A responses callback that consumes a streamed PUT body the way a socket would."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after
        self.chunks: list[int] = []
        self.headers: dict[str, str] = {}
        self.md5 = ""

    def __call__(self, request: requests.PreparedRequest) -> Any:
        self.headers = dict(request.headers)
        digest = hashlib.md5(usedforsecurity=False)
        body = request.body
        assert not isinstance(body, (bytes, str)), "the body must be streamed, not built in memory"
        for chunk in body:  # type: ignore[union-attr]
            self.chunks.append(len(chunk))
            digest.update(chunk)
            if self.fail_after is not None and len(self.chunks) >= self.fail_after:
                self.fail_after = None
                return requests.ConnectionError("connection reset by peer")
        self.md5 = digest.hexdigest()
        return (200, {}, json.dumps({"key": "data.bin", "status": "pending"}))


def _expect_start(rsps: responses.RequestsMock, key: str = "data.bin") -> None:
    rsps.post(FILES, status=201, json={"entries": [{"key": key, "status": "pending"}]})


def _expect_commit(rsps: responses.RequestsMock, checksum: str, key: str = "data.bin") -> None:
    rsps.post(f"{FILES}/{key}/commit", json={"key": key, "status": "completed", "checksum": checksum})


def test_a_50_mb_file_is_streamed_in_bounded_chunks_with_content_length(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    size = 50 * MB
    path, md5 = _file(tmp_path, size)
    receiver = Receiver()
    seen: list[int] = []
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=receiver)
    _expect_commit(rsps, f"md5:{md5}")
    entry = upload_file(client, "r1", "data.bin", path, md5=md5, size=size, progress=seen.append)
    assert entry["checksum"] == f"md5:{md5}"
    assert receiver.md5 == md5
    assert receiver.headers["Content-Length"] == str(size)
    assert "Transfer-Encoding" not in receiver.headers
    assert receiver.headers["Content-Type"] == "application/octet-stream"
    assert max(receiver.chunks) <= MB and len(receiver.chunks) == 50
    assert seen == receiver.chunks and sum(seen) == size


def test_a_checksum_mismatch_deletes_and_uploads_once_more(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _file(tmp_path, 3 * MB)
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=Receiver())
    _expect_commit(rsps, "md5:0000")
    rsps.delete(f"{FILES}/data.bin", status=204)
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=Receiver())
    _expect_commit(rsps, f"md5:{md5}")
    seen: list[int] = []
    assert upload_file(client, "r1", "data.bin", path, md5=md5, size=3 * MB, progress=seen.append)["checksum"]
    assert sum(seen) == 3 * MB
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "POST", "DELETE", "POST", "PUT", "POST"]


def test_a_second_mismatch_is_an_error(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _file(tmp_path, 10)
    for _ in range(2):
        _expect_start(rsps)
        rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=Receiver())
        _expect_commit(rsps, "md5:0000")
        rsps.delete(f"{FILES}/data.bin", status=204)
    with pytest.raises(
        ApiError, match=r"checksum md5:0000 instead of md5:[0-9a-f]{32}, twice; the upload was deleted"
    ):
        upload_file(client, "r1", "data.bin", path, md5=md5, size=10)


def _written(tmp_path: Path, name: str, data: bytes) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_a_pending_file_from_a_crashed_run_is_reused(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _written(tmp_path, "x y.csv", b"site,value\nriver,1\n")
    receiver = Receiver()
    rsps.post(FILES, status=400, json={"status": 400, "message": "File with key x y.csv already exists."})
    rsps.get(f"{FILES}/x%20y.csv", json={"key": "x y.csv", "status": "pending"})
    rsps.add_callback("PUT", f"{FILES}/x%20y.csv/content", callback=receiver)
    _expect_commit(rsps, f"md5:{md5}", key="x%20y.csv")
    entry = upload_file(client, "r1", "x y.csv", path, md5=md5, size=path.stat().st_size)
    assert entry["status"] == "completed" and entry["checksum"] == f"md5:{md5}"
    # The pending entry is read, not created again (no second POST before the PUT), then filled.
    assert [(c.request.method, c.request.url) for c in rsps.calls] == [
        ("POST", FILES),
        ("GET", f"{FILES}/x%20y.csv"),
        ("PUT", f"{FILES}/x%20y.csv/content"),
        ("POST", f"{FILES}/x%20y.csv/commit"),
    ]
    assert receiver.md5 == md5 and sum(receiver.chunks) == path.stat().st_size


def test_a_completed_file_with_the_right_checksum_is_skipped(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _file(tmp_path, 10)
    seen: list[int] = []
    existing = {"key": "data.bin", "status": "completed", "checksum": f"md5:{md5}"}
    assert (
        upload_file(client, "r1", "data.bin", path, md5=md5, size=10, existing=existing, progress=seen.append)
        == existing
    )
    assert seen == [10]
    assert len(rsps.calls) == 0


def test_a_completed_file_with_another_checksum_is_replaced(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _written(tmp_path, "data.bin", b"new contents")
    receiver = Receiver()
    rsps.delete(f"{FILES}/data.bin", status=204)
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=receiver)
    _expect_commit(rsps, f"md5:{md5}")
    existing = {"key": "data.bin", "status": "completed", "checksum": "md5:old"}
    entry = upload_file(client, "r1", "data.bin", path, md5=md5, size=12, existing=existing)
    assert entry["checksum"] == f"md5:{md5}"
    # The old file goes first, then the new bytes are uploaded and committed under the same key.
    assert [c.request.method for c in rsps.calls] == ["DELETE", "POST", "PUT", "POST"]
    assert json.loads(rsps.calls[1].request.body or b"[]") == [{"key": "data.bin"}]
    assert receiver.md5 == md5 and receiver.headers["Content-Length"] == "12"


def test_a_dropped_connection_starts_the_file_again_from_its_first_byte(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    """The server removes the entry of a failed transfer (invenio-records-resources:
    services/files/components/content.py), so the file is initialised again, then sent whole."""
    path, md5 = _file(tmp_path, 4 * MB)
    failing, complete = Receiver(fail_after=2), Receiver()
    seen: list[int] = []
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=failing)
    _expect_start(rsps)
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=complete)
    _expect_commit(rsps, f"md5:{md5}")
    upload_file(client, "r1", "data.bin", path, md5=md5, size=4 * MB, progress=seen.append)
    assert failing.chunks == [MB, MB] and complete.chunks == [MB] * 4 and complete.md5 == md5
    assert seen == [MB, MB, -2 * MB, MB, MB, MB, MB]
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "POST", "PUT", "POST"]
    assert clock.sleeps == [1.0]  # one back-off before the file is started again


def test_a_transfer_the_server_failed_is_started_again(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    """A failed content PUT is answered 200 with errors and the entry removed."""
    path, md5 = _file(tmp_path, MB)
    _expect_start(rsps)
    rsps.put(f"{FILES}/data.bin/content", json={"key": "data.bin", "errors": "File upload transfer failed."})
    _expect_start(rsps)
    rsps.put(f"{FILES}/data.bin/content", json={"key": "data.bin", "status": "pending"})
    _expect_commit(rsps, f"md5:{md5}")
    entry = upload_file(client, "r1", "data.bin", path, md5=md5, size=MB)
    assert entry["checksum"] == f"md5:{md5}"
    assert [c.request.method for c in rsps.calls] == ["POST", "PUT", "POST", "PUT", "POST"]


def test_a_file_that_changed_size_since_its_checksum_is_refused(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path, md5 = _file(tmp_path, 10)
    _expect_start(rsps)
    with pytest.raises(FilesError, match="is 10 bytes but was 11 bytes when its checksum was taken"):
        upload_file(client, "r1", "data.bin", path, md5=md5, size=11)


class _Handler(BaseHTTPRequestHandler):
    received: ClassVar[dict[str, Any]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.endswith("/commit"):
            self._reply(200, {"status": "completed", "checksum": f"md5:{self.received['md5']}"})
        else:
            self._reply(201, {"entries": [{"key": "big.bin", "status": "pending"}]})

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        digest = hashlib.md5(usedforsecurity=False)
        while length:
            chunk = self.rfile.read(min(length, 256 * 1024))
            digest.update(chunk)
            length -= len(chunk)
        self.received.update(md5=digest.hexdigest(), te=self.headers.get("Transfer-Encoding"))
        self._reply(200, {"status": "pending"})


@pytest.fixture
def loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_real_loopback_upload_sends_the_exact_bytes(loopback: str, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"zenodeploy" * (MB // 2) + b"tail")
    md5 = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    clock = FakeClock()
    retry = RetryPolicy(max_attempts=1, sleep=clock.sleep)
    with ZenodoClient(loopback, "tok", limiter=RateLimiter(), retry=retry) as client:
        entry = upload_file(client, "r1", "big.bin", path, md5=md5, size=path.stat().st_size)
    assert entry["checksum"] == f"md5:{md5}"
    assert _Handler.received == {"md5": md5, "te": None}
    assert client.requests_made == {"POST": 2, "PUT": 1}
