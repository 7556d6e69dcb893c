"""Hash once: a file that must be sent is hashed while it is sent; the md5 is computed up front
only where it decides whether to send (the server holds a same-named file of the same size)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from generated import generated_manifest

from zenodeploy.content import checksums
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

CONTENT = "PUT /api/records/{id}/draft/files/{key}/content"


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the checksum cache reads to hash them, in order."""
    calls: list[str] = []
    real = checksums.md5_file

    def counting(path: Path, chunk_size: int = checksums.CHUNK_SIZE) -> str:
        calls.append(path.name)
        return real(path, chunk_size)

    monkeypatch.setattr(checksums, "md5_file", counting)
    return calls


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` with an mtime well in the past, so its md5 may be cached (not racy)."""
    path.write_bytes(data)
    past = time.time() - 60 - len(data) % 7
    os.utime(path, (past, past))


def _project(base: Path) -> Path:
    _write(base / "a.csv", b"a,b\n1,2\n")
    _write(base / "b.csv", b"x,y\n3,4\n5,6\n")
    return generated_manifest(base, [("dep", "Hash once", ["a.csv", "b.csv"])])


def _stored(emulator: Emulator, run: Callable[..., Any], manifest: Path) -> dict[str, str]:
    status = run(emulator, "status", str(manifest))
    record = status[0]["record_id"]
    files = emulator.url + f"/api/records/{record}/draft/files"
    with requests.Session() as session:
        listing = session.get(files, headers={"Authorization": f"Bearer {LOCAL_TOKEN}"}, timeout=10).json()
    return {e["key"]: e["checksum"] for e in listing["entries"]}


def test_new_files_are_hashed_while_sent_and_the_cache_keeps_those_md5s(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], hashed: list[str]
) -> None:
    manifest = _project(tmp_path)
    run(emulator, "apply", str(manifest), "--yes")
    assert hashed == []  # nothing read before sending: the md5 came from the bytes sent
    md5 = {n: hashlib.md5((tmp_path / n).read_bytes()).hexdigest() for n in ("a.csv", "b.csv")}
    assert _stored(emulator, run, manifest) == {n: f"md5:{m}" for n, m in md5.items()}
    with checksums.ChecksumCache() as cache:  # filled from the streamed md5s
        assert {
            p.name: d.md5 for p, d in cache.digests([tmp_path / "a.csv", tmp_path / "b.csv"]).items()
        } == md5
    assert hashed == []
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes")
    assert [d["actions"] for d in again["depositions"]] == [[]]
    assert hashed == [] and emulator.stats()["routes"].get(CONTENT, 0) == 0


def test_the_md5_is_computed_first_only_for_a_same_sized_file_already_on_the_server(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], hashed: list[str]
) -> None:
    manifest = _project(tmp_path)
    run(emulator, "apply", str(manifest), "--yes")
    _write(tmp_path / "a.csv", b"a,b\n9,9\n")  # same size, other bytes: the md5 decides
    longer = b"x,y\n3,4\n5,6\n7,8\n"
    _write(tmp_path / "b.csv", longer)  # another size: sent without asking
    emulator.reset_stats()
    run(emulator, "apply", str(manifest), "--yes")
    assert hashed == ["a.csv"]
    assert emulator.stats()["routes"][CONTENT] == 2
    stored = _stored(emulator, run, manifest)
    assert stored["b.csv"] == f"md5:{hashlib.md5(longer).hexdigest()}"


def test_a_cold_cache_hashes_same_sized_files_to_learn_that_nothing_changed(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], hashed: list[str]
) -> None:
    manifest = _project(tmp_path)
    run(emulator, "apply", str(manifest), "--yes")
    (Path(os.environ["ZENODEPLOY_CACHE_DIR"]) / "checksums.sqlite3").unlink()
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes")
    assert sorted(hashed) == ["a.csv", "b.csv"]
    assert [d["actions"] for d in again["depositions"]] == [[]]
    assert emulator.stats()["routes"].get(CONTENT, 0) == 0


def test_a_cache_that_cannot_be_written_does_not_fail_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenodeploy.reconcile.hashing import Streamed

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(blocker))
    data = tmp_path / "a.csv"
    data.write_text("a\n")
    streamed = Streamed()
    streamed(data, "0" * 32, data.stat(), 0)
    streamed.save()  # FilesError from opening the cache is swallowed
    with pytest.raises(checksums.FilesError):
        checksums.ChecksumCache()
