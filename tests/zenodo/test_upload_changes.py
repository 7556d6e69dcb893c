"""A file that changes while it is uploaded fails at once, with a message that says so.

Before, a file that shrank left the server waiting for the rest of its Content-Length: five
attempts of a 300 s timeout, then a network error.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fake_clock import FakeClock
from zenodeploy.emulator import Emulator
from zenodeploy.emulator.server import LOCAL_TOKEN
from zenodeploy.errors import FilesError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.upload import upload_file

RECORD = {
    "metadata": {
        "resource_type": {"id": "dataset"},
        "title": "Changing files",
        "creators": [{"person_or_org": {"type": "personal", "family_name": "Doe", "given_name": "Jane"}}],
        "publication_date": "2024-05-01",
        "publisher": "Zenodo",
    }
}
CHUNK = 64 * 1024
DATA = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def local(emulator: Emulator) -> Iterator[ZenodoClient]:
    retry = RetryPolicy(sleep=FakeClock().sleep)
    with ZenodoClient(emulator.url, LOCAL_TOKEN, limiter=RateLimiter(), retry=retry, timeout=30) as client:
        yield client


def _shrink(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(len(DATA) // 2)


def _modify(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(len(DATA) - 10)
        handle.write(b"X" * 10)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _grow(path: Path) -> None:
    with path.open("ab") as handle:
        handle.write(b"more")


@pytest.mark.parametrize(
    ("change", "expected"),
    [(_shrink, "ended after 524,288 of 1,048,576 bytes"), (_modify, "was modified"), (_grow, "was modified")],
    ids=["shrinks", "modified in place", "grows"],
)
def test_a_file_changed_during_its_upload_fails_at_once(
    local: ZenodoClient, tmp_path: Path, change: Callable[[Path], None], expected: str
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    md5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()
    draft = local.create_draft(RECORD)
    sent: list[int] = []

    def progress(n: int) -> None:
        sent.append(n)
        if len(sent) == 2:  # after the second chunk is read, before the rest
            change(path)

    start = time.perf_counter()
    with pytest.raises(FilesError) as caught:
        upload_file(
            local, draft["id"], "data.bin", path, md5=md5, size=len(DATA), progress=progress, chunk_size=CHUNK
        )
    elapsed = time.perf_counter() - start
    assert elapsed < 5, elapsed
    assert f"{path} {expected} while it was being uploaded" in str(caught.value)
    assert local.requests_made["PUT"] == 1  # no retry storm
