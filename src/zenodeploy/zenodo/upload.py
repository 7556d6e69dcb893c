"""Uploading one file to a draft: start → stream the content from disk → commit → verify the md5.

Memory stays constant for any file size: the content is read and sent ``chunk_size`` bytes at
a time, with a Content-Length header (no chunked encoding, which some proxies refuse). The md5
of the bytes sent is computed on the way, so a file whose md5 is not known yet is read once.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from zenodeploy.errors import ApiError, FilesError
from zenodeploy.model import ZipMember
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound, OutcomeUnknown

CHUNK_SIZE = 1024 * 1024
Progress = Callable[[int], None]
# (md5 of the bytes sent, the file's stat after reading them, time_ns when reading started)
Hashed = Callable[[str, os.stat_result, int], None]


class _FileBody:
    """The bytes of ``path`` as an iterable with a length; every iteration reads from the start.

    Reports each chunk to ``on_chunk`` and keeps the md5 of what was sent, so a file that
    changed after it was checksummed is caught."""

    def __init__(self, path: Path | ZipMember, size: int, chunk_size: int, on_chunk: Progress) -> None:
        self._path = path
        self._size = size
        self._chunk_size = chunk_size
        self._on_chunk = on_chunk
        self.md5 = ""
        self.stat: os.stat_result | None = None
        self.started_ns = 0

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[bytes]:
        """Exactly ``size`` bytes, or ``FilesError`` at once: a file that ends early would leave the
        server waiting for the rest of its Content-Length until the request times out."""
        digest = hashlib.md5(usedforsecurity=False)
        sent = 0
        self.md5, self.started_ns = "", time.time_ns()
        path = self._path
        with path.open() if isinstance(path, ZipMember) else path.open("rb", buffering=0) as handle:
            before = _stat(path, handle)
            while sent < self._size and (chunk := handle.read(min(self._chunk_size, self._size - sent))):
                sent += len(chunk)
                digest.update(chunk)
                self._on_chunk(len(chunk))
                yield chunk
            after = _stat(path, handle)
        if sent < self._size or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            now = f"ended after {sent:,} of {self._size:,} bytes" if sent < self._size else "was modified"
            raise FilesError(
                f"{self._path} {now} while it was being uploaded; stopped this upload. "
                "Run apply again once the file is stable."
            )
        self.md5, self.stat = digest.hexdigest(), after


def _stat(path: Path | ZipMember, handle: Any) -> os.stat_result:
    """The stat of the file being sent (of the whole archive, for a file inside a zip)."""
    return path.archive.stat() if isinstance(path, ZipMember) else os.fstat(handle.fileno())


class _Reporter:
    """Forwards byte counts to ``progress``; on a restarted attempt it first reports minus what
    was already reported, so the sum of all calls always equals the bytes actually delivered."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.reported = 0

    def __call__(self, n: int) -> None:
        self.reported += n
        if self._progress is not None and n:
            self._progress(n)

    def restart(self) -> None:
        if self.reported:
            self(-self.reported)


def _prepare(
    client: ZenodoClient, record_id: str, key: str, expected: str, existing: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """Make ``key`` a pending upload; return its entry instead when it is already complete and right."""
    if existing is None:
        try:
            client.start_uploads(record_id, [key])
            return None
        except ApiError as error:  # 400 "File with key X already exists."
            if error.status != 400:
                raise
            try:
                existing = client.get_draft_file(record_id, key)
            except NotFound:
                # The entry of a failed transfer was being removed while we asked: start again.
                client.start_uploads(record_id, [key])
                return None
    if existing.get("status") != "completed":
        return None  # pending from an interrupted run: its content is simply sent again
    if existing.get("checksum") == expected:
        return existing
    client.delete_file(record_id, key)
    client.start_uploads(record_id, [key])
    return None


def start_all(client: ZenodoClient, record_id: str, keys: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """Start the uploads of ``keys`` in one POST; return each key's entry, for :func:`upload_file`.

    The server refuses the whole list when one key already has an entry (400 "File with key X
    already exists.", a pending upload of an interrupted run): the draft's listing is then read
    once and only the keys it lacks are started; the listed entries are returned as they are
    (a pending one is reused, a completed one is kept or replaced by :func:`upload_file`)."""
    if not keys:
        return {}
    try:
        started = _entries(client.start_uploads(record_id, keys))
    except ApiError as error:
        if error.status != 400:
            raise
        listed = _entries(client.draft_files(record_id))
        missing = [k for k in keys if k not in listed]
        if len(missing) == len(keys):
            raise  # not a clash with existing entries (too many files, a refused key…)
        started = {**listed, **(_entries(client.start_uploads(record_id, missing)) if missing else {})}
    return {k: started.get(k) or {"key": k, "status": "pending"} for k in keys}


def _entries(listing: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    entries = listing.get("entries") or []
    return {str(e["key"]): e for e in entries if isinstance(e, Mapping) and "key" in e}


def upload_file(
    client: ZenodoClient,
    record_id: str,
    key: str,
    path: Path | ZipMember,
    *,
    md5: str,
    size: int,
    progress: Progress | None = None,
    existing: Mapping[str, Any] | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_hashed: Hashed | None = None,
) -> dict[str, Any]:
    """Upload ``path`` as ``key`` to the draft ``record_id``; return the committed file entry.

    ``existing`` is the file's entry as already observed (from ``draft_files``), if any: a
    pending entry is reused, a completed one with the right checksum is kept without sending
    anything (``progress`` then gets ``size`` at once), a completed one with another checksum
    is replaced. Without it, the upload is started and a clash is resolved by reading the entry.
    ``progress(n)`` gets the bytes just sent (negative after a restart, see :class:`_Reporter`).
    If the server's checksum differs from ``md5:<md5>``, the file is deleted and sent once
    more; a second mismatch raises :class:`ApiError`. The content PUT is repeated after a lost
    connection, re-reading the file from its start.

    ``md5`` empty means not known yet: it is computed from the bytes as they are sent (a
    completed entry already there is then replaced, not compared), checked against the server's
    checksum after the commit, and given to ``on_hashed`` for the checksum cache. A second
    sending whose bytes hash differently from the first is a file changed during the run.
    """
    streamed = not md5
    reporter = _Reporter(progress)
    stored = ""
    mismatches = failed = 0
    while mismatches < 2:
        expected = f"md5:{md5}" if md5 else ""
        done = _prepare(client, record_id, key, expected, existing)
        if done is not None:
            reporter(size - reporter.reported)
            return dict(done)
        sent = _send(
            client, record_id, key, path, size=size, md5=md5, chunk_size=chunk_size, reporter=reporter
        )
        if sent is None:
            failed += 1
            if failed == 3:
                raise ApiError(
                    f"The server failed the transfer of {key!r} to record {record_id} three times and removed "
                    "the file each time; run apply again later.",
                    method="PUT",
                    url=f"{client.base_url}/api/records/{record_id}/draft/files",
                )
            reporter.restart()
            existing = None  # the server dropped the entry: start the file again, after a back-off
            client.retry.wait(failed, status=None, server_wait=None)
            continue
        md5 = md5 or sent.md5 or hashlib.md5(b"", usedforsecurity=False).hexdigest()
        expected = f"md5:{md5}"
        committed = client.commit_file(record_id, key)
        stored = str(committed.get("checksum", ""))
        if stored == expected:
            if streamed and on_hashed is not None and sent.stat is not None:
                on_hashed(md5, sent.stat, sent.started_ns)
            return committed
        client.delete_file(record_id, key)
        reporter.restart()
        existing = None
        mismatches += 1
    raise ApiError(
        f"The server stored {key!r} of record {record_id} with checksum {stored or 'none'} instead of {expected}, "
        "twice; the upload was deleted. Run apply again later; if it persists, report it to the repository.",
        method="POST",
        url=f"{client.base_url}/api/records/{record_id}/draft/files",
    )


def _send(
    client: ZenodoClient,
    record_id: str,
    key: str,
    path: Path | ZipMember,
    *,
    size: int,
    md5: str,
    chunk_size: int,
    reporter: _Reporter,
) -> _FileBody | None:
    """Send the content, return what was sent (its md5 included); None when the server failed
    the transfer and removed the file entry.

    A content PUT whose transfer fails is answered 200 with ``errors`` and the entry is deleted
    (invenio-records-resources: ``services/files/components/content.py``); a PUT repeated after a
    lost connection then finds no entry (404)."""
    try:
        actual = path.size if isinstance(path, ZipMember) else path.stat().st_size
        if isinstance(path, ZipMember):
            path.archive.stat()
    except OSError as exc:
        raise FilesError(f"Cannot read {path} to upload it as {key!r}: {exc.strerror}.") from None
    if actual != size:
        raise FilesError(
            f"{path} is {actual} bytes but was {size} bytes when its checksum was taken; it changed during "
            "the run. Run apply again once it is stable."
        )
    body = _FileBody(path, size, chunk_size, reporter)

    def fresh() -> _FileBody | bytes:
        reporter.restart()
        return body if size else b""

    try:
        answer = client.upload_content(record_id, key, fresh)
    except (NotFound, OutcomeUnknown):
        return None
    if answer.get("errors"):
        return None
    if size and body.md5 and md5 and body.md5 != md5:
        raise FilesError(
            f"{path} changed while it was being uploaded (its md5 is now {body.md5}, not {md5}); "
            "run apply again once it is stable."
        )
    return body
