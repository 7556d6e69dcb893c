"""The client against the real emulator over loopback: the flows the reconciler relies on."""

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
from zenodeploy.errors import ApiError, FilesError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.upload import start_all, upload_file

RECORD = {
    "metadata": {
        "resource_type": {"id": "dataset"},
        "title": "Client flow",
        "creators": [{"person_or_org": {"type": "personal", "family_name": "Doe", "given_name": "Jane"}}],
        "publication_date": "2024-05-01",
        "publisher": "Zenodo",
    }
}


@pytest.fixture
def local(emulator: Emulator) -> Iterator[ZenodoClient]:
    retry = RetryPolicy(sleep=FakeClock().sleep)  # no real waiting between attempts
    with ZenodoClient(emulator.url, LOCAL_TOKEN, limiter=RateLimiter(), retry=retry) as client:
        yield client


def _write(tmp_path: Path, name: str, data: bytes) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_create_upload_publish_and_find_again(local: ZenodoClient, tmp_path: Path) -> None:
    draft = local.create_draft(RECORD)
    for key, data in (("data/table one.csv", b"a,b\n1,2\n"), ("README.md", b"# hi\n" * 1000)):
        path, md5 = _write(tmp_path, "f", data)
        entry = upload_file(local, draft["id"], key, path, md5=md5, size=len(data))
        assert entry["status"] == "completed" and entry["checksum"] == f"md5:{md5}"
    assert sorted(e["key"] for e in local.draft_files(draft["id"])["entries"]) == [
        "README.md",
        "data/table one.csv",
    ]
    record = local.publish(draft["id"])
    assert record["is_published"] is True
    assert [r["id"] for r in local.search_user_records(None, size=1)] == [draft["id"]]
    with pytest.raises(NotFound):
        local.get_draft(draft["id"])


def test_start_all_reuses_a_pending_entry_and_starts_the_other_keys_together(
    local: ZenodoClient, emulator: Emulator, tmp_path: Path
) -> None:
    draft = local.create_draft(RECORD)
    local.start_uploads(draft["id"], ["b.csv"])  # an interrupted run left b.csv pending
    emulator.reset_stats()
    started = start_all(local, draft["id"], ["a.csv", "b.csv", "c.csv"])
    assert {k: e["status"] for k, e in started.items()} == dict.fromkeys(
        ("a.csv", "b.csv", "c.csv"), "pending"
    )
    routes = emulator.stats()["routes"]
    # the refused list, one listing, then only the keys the draft lacked
    assert routes == {"POST /api/records/{id}/draft/files": 2, "GET /api/records/{id}/draft/files": 1}
    for key, entry in started.items():
        path, md5 = _write(tmp_path, key, key.encode() * 10)
        upload_file(local, draft["id"], key, path, md5=md5, size=len(key) * 10, existing=entry)
    assert emulator.stats()["routes"]["POST /api/records/{id}/draft/files"] == 2


def test_publish_answered_500_after_it_happened_is_a_success_without_a_second_publish(
    local: ZenodoClient, emulator: Emulator, tmp_path: Path
) -> None:
    draft = local.create_draft(RECORD)
    path, md5 = _write(tmp_path, "a.bin", b"x" * 5000)
    upload_file(local, draft["id"], "a.bin", path, md5=md5, size=5000)
    emulator.add_fault("POST", r"/actions/publish$", status=500, after=True)
    assert local.publish(draft["id"])["is_published"] is True
    assert local.get_record(draft["id"])["is_published"] is True
    routes = emulator.stats()["routes"]
    assert sum(n for route, n in routes.items() if "publish" in route) == 1, routes


def test_an_upload_cut_off_mid_stream_is_sent_again_and_verified(
    local: ZenodoClient, emulator: Emulator, tmp_path: Path
) -> None:
    draft = local.create_draft(RECORD)
    data = bytes(range(256)) * 8192  # 2 MiB
    path, md5 = _write(tmp_path, "big.bin", data)
    emulator.add_fault("PUT", r"/content$", drop_after_bytes=700_000)
    entry = upload_file(local, draft["id"], "big.bin", path, md5=md5, size=len(data))
    assert entry["checksum"] == f"md5:{md5}"
    stats = emulator.stats()
    assert stats["responses"]["dropped"] == 1  # the cut-off transfer ...
    assert stats["routes"]["PUT /api/records/{id}/draft/files/{key}/content"] == 1  # ... then one whole one
    assert stats["routes"]["POST /api/records/{id}/draft/files"] == 2  # the entry was started again
    files = local.draft_files(draft["id"])["entries"]
    assert [(f["key"], f["status"], f["size"]) for f in files] == [("big.bin", "completed", len(data))]


def test_the_emulators_validation_errors_arrive_as_field_errors(local: ZenodoClient) -> None:
    draft = local.create_draft(RECORD)
    with pytest.raises(ApiError) as info:
        local.publish(draft["id"])  # no files
    assert info.value.status == 400 and info.value.field_errors
    assert str(info.value).startswith(f"POST /api/records/{draft['id']}/draft/actions/publish failed (400): ")
    assert str(info.value).endswith("Fix the manifest and run apply again.")


# A file that changes while it is uploaded fails at once (a shrinking one used to leave the server
# waiting for the rest of its Content-Length: 5 attempts of a 300 s timeout).
CHUNK = 64 * 1024
DATA = bytes(range(256)) * 4096  # 1 MiB


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
    assert elapsed < 20, elapsed  # at once, not after 5 attempts × a 300 s read timeout
    assert f"{path} {expected} while it was being uploaded" in str(caught.value)
    assert local.requests_made["PUT"] == 1  # no retry storm
