"""The md5 cache: correct digests, no file reads when nothing changed, rehash when something did."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.content import archive, checksums
from zenodeploy.content.checksums import ChecksumCache, cache_dir, md5_file
from zenodeploy.content.files import resolve_deposition
from zenodeploy.errors import FilesError

OLD = 1_600_000_000_000_000_000  # mtimes well in the past: not "racily clean"


def make(path: Path, data: bytes, mtime_ns: int = OLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every file opened for reading bytes by the hashing and archiving code."""
    seen: list[str] = []

    def counting(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(file: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(str(file))
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(checksums, "open", counting(open), raising=False)
    monkeypatch.setattr(archive, "open", counting(open), raising=False)
    return seen


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 5])
def test_md5_matches_hashlib_across_chunk_boundaries(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = make(tmp_path / "f.bin", data)
    assert md5_file(path) == hashlib.md5(data).hexdigest()
    assert md5_file(path, chunk_size=4096) == hashlib.md5(data).hexdigest()


def test_cache_lives_in_the_overridable_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    with ChecksumCache() as cache:
        assert cache.path == tmp_path / "c/checksums.sqlite3"
    assert (tmp_path / "c/checksums.sqlite3").is_file()


def test_second_run_reads_no_file_bytes(tmp_path: Path, opens: list[str]) -> None:
    files = [make(tmp_path / f"d/{i}.dat", bytes([i]) * (i + 1)) for i in range(20)]
    db = tmp_path / "cache.sqlite3"
    with ChecksumCache(db) as cache:
        first = cache.digests(files)
    assert len(opens) == 20
    opens.clear()
    with ChecksumCache(db) as cache:  # a new process would open the same file
        second = cache.digests(files)
        assert cache.hashed_bytes == 0
    assert opens == []
    assert second == first
    assert first[files[3]].md5 == hashlib.md5(bytes([3]) * 4).hexdigest()
    assert first[files[3]].size == 4


def test_changed_size_mtime_or_inode_is_hashed_again(tmp_path: Path, opens: list[str]) -> None:
    a, b, c = (make(tmp_path / n, b"same") for n in ("a", "b", "c"))
    with ChecksumCache(tmp_path / "db") as cache:
        cache.digests([a, b, c])
        opens.clear()
        make(a, b"longer")  # size
        os.utime(b, ns=(OLD + 1, OLD + 1))  # mtime only
        make(tmp_path / "c.new", b"diff").replace(
            c
        )  # an editor's atomic save: same size and mtime, new inode
        result = cache.digests([a, b, c])
    assert sorted(Path(p).name for p in opens) == ["a", "b", "c"]
    assert result[a].md5 == hashlib.md5(b"longer").hexdigest()
    assert result[c].md5 == hashlib.md5(b"diff").hexdigest()


def test_freshly_modified_files_are_not_cached(tmp_path: Path, opens: list[str]) -> None:
    fresh = tmp_path / "fresh.txt"
    fresh.write_bytes(b"just written")
    with ChecksumCache(tmp_path / "db") as cache:
        cache.digests([fresh])
        cache.digests([fresh])
    assert len(opens) == 2


def test_unreadable_file_is_a_files_error(tmp_path: Path) -> None:
    with ChecksumCache(tmp_path / "db") as cache, pytest.raises(FilesError, match="cannot be read"):
        cache.digests([tmp_path / "missing.dat"])


def test_warm_resolve_reads_no_bytes_even_with_archives(tmp_path: Path, opens: list[str]) -> None:
    base = tmp_path / "study"
    make(base / "README.md", b"# study")
    make(base / "compounds/aspirin/sample.yaml", b"name: aspirin\n")
    make(base / "compounds/aspirin/spectra/1H.jdx", b"##TITLE=1H\n")
    make(base / "raw/run1.dat", b"1" * 5000)
    deposition = {
        "key": "k",
        "files": ["README.md", {"path": "raw", "zip": "raw.zip"}],
        "samples": {"from": {"path": "compounds/*"}},
        "pack": "per-sample",
    }

    def run() -> list[tuple[str, str]]:
        resolved = resolve_deposition(deposition, base_dir=base, sample_sources={}, where="depositions[0]")
        return [(f.name, f.md5) for f in resolved.files]

    first = run()
    opens.clear()
    assert run() == first
    assert opens == []
    assert [name for name, _ in first] == ["README.md", "aspirin.zip", "raw.zip"]


def test_threads_give_each_file_its_own_digest(tmp_path: Path) -> None:
    files = [make(tmp_path / f"{i}.bin", os.urandom(i * 997)) for i in range(1, 60)]
    with ChecksumCache(tmp_path / "db", workers=3) as cache:
        result = cache.digests(files)
    assert {p: d.md5 for p, d in result.items()} == {
        p: hashlib.md5(p.read_bytes()).hexdigest() for p in files
    }


def test_a_read_error_in_a_worker_thread_is_a_files_error(tmp_path: Path) -> None:
    files = [make(tmp_path / f"{i}.bin", b"x" * i) for i in range(1, 20)]
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with (
        ChecksumCache(tmp_path / "db", workers=2) as cache,
        pytest.raises(FilesError, match="a-folder cannot be read"),
    ):
        cache.digests([*files, folder])
