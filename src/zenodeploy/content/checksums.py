"""File checksums: streamed md5 (what Zenodo reports) with a persistent SQLite cache.

The cache maps an absolute path to the md5 of its bytes, valid while the file's
``(size, mtime_ns, inode)`` are unchanged (for a file inside a zip, ``archive!/member``
while ``(size, the archive's mtime_ns, the member's CRC-32)`` are), so a second resolve of an unchanged tree
reads no file bytes, only ``stat`` results. Two safeguards keep it honest:

- a file is stat-ed before and after hashing; if it changed meanwhile it is hashed
  again (a file being written cannot get a stale md5);
- a file modified less than ``RACY_WINDOW_NS`` before it was hashed is not cached,
  because a later write within the same timestamp tick (coarse on some file systems)
  would keep the same key ("racily clean" entries, as git calls them).

Hashing runs in a small thread pool: ``hashlib`` releases the GIL while hashing
buffers larger than 2 KiB, so reads and md5 of different files overlap.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import platformdirs

from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

# Measured with bench/resolve_tree.py --chunks (2 CPUs, files in the page cache): 256 KiB
# to 1 MiB reads are fastest; from 4 MiB the buffer falls out of the CPU cache between
# read and hash (-20 % to -50 %); at 128 KiB two threads contend for the GIL.
CHUNK_SIZE = 1 << 20
RACY_WINDOW_NS = 2_000_000_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS md5 (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL, md5 TEXT NOT NULL
)"""


def cache_dir() -> Path:
    """The user cache folder: ``$ZENODEPLOY_CACHE_DIR`` if set, else the platform's cache dir."""
    override = os.environ.get("ZENODEPLOY_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("zenodeploy"))


@dataclass(frozen=True, slots=True)
class Digest:
    """The size and md5 (hex) of one file's bytes."""

    size: int
    md5: str


_local = threading.local()
_T = TypeVar("_T")
_R = TypeVar("_R")


def _buffer(size: int) -> bytearray:
    """This thread's read buffer. Reused: a fresh 1 MiB buffer per file is an mmap, page
    faults and an munmap each time, which made hashing 10,000 small files 30 % slower."""
    buffer: bytearray | None = getattr(_local, "buffer", None)
    if buffer is None or len(buffer) != size:
        buffer = _local.buffer = bytearray(size)
    return buffer


def md5_file(path: Path | ZipMember, chunk_size: int = CHUNK_SIZE) -> str:
    """Return the hex md5 of ``path``, read in ``chunk_size`` pieces into a per-thread buffer."""
    digest = hashlib.md5(usedforsecurity=False)
    buffer = _buffer(chunk_size)
    view = memoryview(buffer)
    opened = path.open() if isinstance(path, ZipMember) else open(path, "rb", buffering=0)  # noqa: PTH123, SIM115 - tests count calls to this `open`
    with opened as stream:
        while count := stream.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class ChecksumCache:
    """A persistent md5 cache in one SQLite file; use as a context manager or call ``close``.

    ``path`` defaults to ``cache_dir()/checksums.sqlite3``. Only the thread that opened
    the cache touches the database; worker threads only hash.
    """

    def __init__(self, path: Path | None = None, *, workers: int | None = None) -> None:
        self.path = path if path is not None else cache_dir() / "checksums.sqlite3"
        self.workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        self.hashed_bytes = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise FilesError(
                f"The checksum cache {self.path} cannot be opened ({exc}); "
                "set ZENODEPLOY_CACHE_DIR to a writable folder."
            ) from exc

    def __enter__(self) -> ChecksumCache:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def md5(self, path: Path | ZipMember) -> Digest:
        """Size and md5 of one file (see ``digests``)."""
        return self.digests([path])[path]

    def digests(
        self, paths: Iterable[Path | ZipMember], *, immutable: bool = False, cached_only: bool = False
    ) -> dict[Path | ZipMember, Digest]:
        """Size and md5 of each file, keyed by the given paths, from the cache when the file's
        stat key matches, else hashed (and cached). ``cached_only`` hashes nothing: a file the
        cache does not know gets its size and an empty md5 (to be hashed while it is sent).

        The cache is keyed by the absolute path (links kept: a link is cached under its own
        name, keyed by its target's stat). ``immutable`` marks files nobody rewrites in place
        (the archives zenodeploy builds): they are cached even when just written. Raises
        ``FilesError`` for a file that cannot be read.
        """
        wanted: dict[str, list[Path | ZipMember]] = {}
        members: dict[str, ZipMember] = {}
        for path in paths:
            if isinstance(path, ZipMember):
                name = f"{os.path.abspath(path.archive)}!/{path.member}"  # noqa: PTH100 - links kept
                members[name] = path
            else:
                name = os.path.abspath(path)  # noqa: PTH100 - links kept
            wanted.setdefault(name, []).append(path)
        known = self._lookup(list(wanted))
        found: dict[str, Digest] = {}
        missing: list[tuple[str, os.stat_result]] = []
        inside: list[tuple[str, ZipMember]] = []
        for name in sorted(wanted):
            member = members.get(name)
            if member is not None:
                row = known.get(name)
                if row is not None and row[:3] == _member_key(member):
                    found[name] = Digest(member.size, row[3])
                else:
                    inside.append((name, member))
                continue
            st = _stat(name)
            row = known.get(name)
            if row is not None and row[:3] == _key(st):
                found[name] = Digest(st.st_size, row[3])
            else:
                missing.append((name, st))
        if missing and cached_only:
            found.update((name, Digest(st.st_size, "")) for name, st in missing)
        elif missing:
            found.update(self._hash_and_store(missing, immutable))
        if inside:
            found.update(self._hash_members(inside))
        return {path: found[name] for name, given in wanted.items() for path in given}

    def remember(self, streamed: Iterable[tuple[Path, str, os.stat_result, int]]) -> None:
        """Cache md5s computed elsewhere (while a file was uploaded): ``(path, md5, stat after
        reading, time_ns when reading started)``, with the same racy-window rule as hashing here."""
        rows = [
            (os.path.abspath(path), *_key(st), md5)  # noqa: PTH100 - links kept, as in digests
            for path, md5, st, started in streamed
            if st.st_mtime_ns < started - RACY_WINDOW_NS
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO md5 VALUES (?, ?, ?, ?, ?)", rows)

    def _lookup(self, names: Sequence[str]) -> dict[str, tuple[int, int, int, str]]:
        rows: dict[str, tuple[int, int, int, str]] = {}
        for start in range(0, len(names), 500):  # SQLite allows 999 parameters in old builds
            batch = names[start : start + 500]
            marks = ",".join("?" * len(batch))
            query = f"SELECT path, size, mtime_ns, inode, md5 FROM md5 WHERE path IN ({marks})"  # noqa: S608
            for path, size, mtime_ns, inode, md5 in self._db.execute(query, batch):
                rows[path] = (size, mtime_ns, inode, md5)
        return rows

    def _hash_members(self, todo: Sequence[tuple[str, ZipMember]]) -> dict[str, Digest]:
        """Hash zip members in place; each is cached under its CRC-32, which changes with its bytes."""
        ordered = sorted(todo, key=lambda item: -item[1].packed)
        hashed = _hash_in_threads(ordered, self.workers, lambda item: _hash_member(item[1]))
        rows = [(name, *_member_key(m), md5) for (name, m), md5 in zip(ordered, hashed, strict=True)]
        self.hashed_bytes += sum(m.size for _, m in ordered)
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO md5 VALUES (?, ?, ?, ?, ?)", rows)
        return {name: Digest(m.size, md5) for (name, m), md5 in zip(ordered, hashed, strict=True)}

    def _hash_and_store(
        self, todo: Sequence[tuple[str, os.stat_result]], immutable: bool
    ) -> dict[str, Digest]:
        # Largest first, so one big file does not start last and run alone.
        ordered = sorted(todo, key=lambda item: -item[1].st_size)
        hashed = _hash_in_threads(ordered, self.workers, _hash_stable)
        rows = []
        result: dict[str, Digest] = {}
        for (path, _), (st, md5, cacheable) in zip(ordered, hashed, strict=True):
            self.hashed_bytes += st.st_size
            result[path] = Digest(st.st_size, md5)
            if cacheable or immutable:
                rows.append((path, *_key(st), md5))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO md5 VALUES (?, ?, ?, ?, ?)", rows)
        return result


def _hash_in_threads(todo: Sequence[_T], workers: int, hash_one: Callable[[_T], _R]) -> list[_R]:
    """Hash every file with ``workers`` threads that each take the next file from one list.

    One task per thread rather than one future per file: with 10,000 small files the
    futures' bookkeeping competed with the hashing threads for the GIL.
    """
    results: list[_R | None] = [None] * len(todo)
    claim = itertools.count()
    failed = threading.Event()

    def work() -> None:
        while not failed.is_set() and (index := next(claim)) < len(todo):
            try:
                results[index] = hash_one(todo[index])
            except BaseException:
                failed.set()
                raise

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work) for _ in range(max(1, min(workers, len(todo))))]:
            future.result()
    return [r for r in results if r is not None]


class UnreadableFile(FilesError):
    """A file that cannot be read or hashed; ``source`` is its path, so the caller can point at
    the manifest entry that selected it."""

    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source


def _member_key(member: ZipMember) -> tuple[int, int, int]:
    return (member.size, member.archive_stamp[1], member.crc)


def _hash_member(member: ZipMember) -> str:
    try:
        return md5_file(member)
    except OSError as exc:
        raise UnreadableFile(
            f"{member} cannot be read ({exc}); export the lab notebook's file again.", str(member)
        ) from exc


def _stat(path: str) -> os.stat_result:
    try:
        return os.stat(path)  # noqa: PTH116 - a string path: this runs once per file per resolve
    except OSError as exc:
        raise UnreadableFile(f"{path} cannot be read ({exc.strerror}); check that it exists.", path) from exc


def _hash_stable(item: tuple[str, os.stat_result]) -> tuple[os.stat_result, str, bool]:
    """Hash a file until its stat is the same before and after; report whether it may be cached."""
    path, before = item
    for _ in range(3):
        started = time.time_ns()
        try:
            md5 = md5_file(Path(path))
        except OSError as exc:
            raise UnreadableFile(
                f"{path} cannot be read ({exc.strerror}); check its permissions.", path
            ) from exc
        after = _stat(path)
        if _key(after) == _key(before):
            return after, md5, after.st_mtime_ns < started - RACY_WINDOW_NS
        before = after
    raise UnreadableFile(
        f"{path} kept changing while its checksum was computed; run again once it is written.", path
    )
