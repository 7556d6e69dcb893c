"""Hash once: a file's md5 is computed before the upload only when it decides whether to send.

A run resolves plain files with their md5 left empty when the checksum cache does not know
them. After observing the server, ``settle`` hashes just the files that have a same-named,
same-sized file on the server (the md5 then decides between keeping and replacing it); every
other one must be sent anyway and is hashed while it is sent (``zenodo.upload``), the server's
checksum verified after the commit, and that streamed md5 stored in the cache by ``Streamed``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from zenodeploy.content.checksums import ChecksumCache
from zenodeploy.errors import FilesError
from zenodeploy.model import DesiredDeposition, LocalFile, ZipMember
from zenodeploy.reconcile.observe import Observation


def settle(
    desired: Sequence[DesiredDeposition], observations: Sequence[Observation]
) -> list[DesiredDeposition]:
    """``desired`` with the md5 filled in wherever the server holds a file of the same name and size."""
    wanted: list[Path | ZipMember] = []
    for want, seen in zip(desired, observations, strict=True):
        wanted += [f.source for f in _undecided(want, seen)]
    if not wanted:
        return list(desired)
    with ChecksumCache() as cache:
        digests = cache.digests(wanted)
    out = []
    for want, seen in zip(desired, observations, strict=True):
        names = {f.name for f in _undecided(want, seen)}
        if names:
            files = tuple(replace(f, md5=digests[f.source].md5) if f.name in names else f for f in want.files)
            want = replace(want, files=files)
        out.append(want)
    return out


def _undecided(desired: DesiredDeposition, observation: Observation) -> list[LocalFile]:
    remote = observation.remote
    if remote is None:
        return []
    sizes = {
        (name, f.size)
        for listing in (remote.files, remote.published_files, remote.pending_files)
        for name, f in listing.items()
    }
    return [f for f in desired.files if not f.md5 and (f.name, f.size) in sizes]


class Streamed:
    """The md5s computed during uploads, kept in the checksum cache at the end of the run."""

    def __init__(self) -> None:
        self._found: list[tuple[Path, str, os.stat_result, int]] = []
        self._mutex = threading.Lock()

    def __call__(self, path: Path | ZipMember, md5: str, st: os.stat_result, started_ns: int) -> None:
        if isinstance(path, ZipMember):  # hashed before sending, and cached then by its member key
            return
        with self._mutex:
            self._found.append((path, md5, st, started_ns))

    def save(self) -> None:
        """Store them; a cache that cannot be written only costs hashing them again next run."""
        with self._mutex:
            found, self._found = self._found, []
        if found:
            with contextlib.suppress(FilesError, sqlite3.Error), ChecksumCache() as cache:
                cache.remember(found)
