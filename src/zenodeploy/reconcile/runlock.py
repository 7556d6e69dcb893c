"""One ``apply`` of a manifest at a time on this machine: an exclusive ``flock`` on a file in the
user cache (``$ZENODEPLOY_CACHE_DIR/runs/``), named for the manifest's absolute path.

Two applies of one manifest at once would each find no record and each create one. The lock is
held by the open file, so the kernel releases it when the process ends however it ends
(``kill -9`` included): there is never a stale lock to clean up. The file records who holds it
(pid, host, start time) for the message the next run shows. Runs on other machines (two CI jobs)
do not see this lock; ``twins.py`` settles what they create at the same time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from zenodeploy.content.checksums import cache_dir
from zenodeploy.errors import ConflictError

if sys.platform != "win32":  # Windows has no flock; the twin check after each create still applies
    import fcntl

log = logging.getLogger(__name__)


def run_lock_path(manifest: Path, scope: str = "") -> Path:
    digest = hashlib.sha256(f"{manifest.resolve()}\0{scope}".encode()).hexdigest()[:24]
    return cache_dir() / "runs" / f"{digest}.lock"


@contextlib.contextmanager
def exclusive(
    manifest: Path,
    *,
    scope: str = "",
    wait: bool = False,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the run lock of ``manifest`` for the block (``scope``: a ``--shard``, whose runs
    touch other keys and may run side by side). Another holder: a :class:`ConflictError`
    naming it, or with ``wait``, block until it is done (``waiting`` is told whom we wait for)."""
    if sys.platform == "win32":
        yield
        return
    path = run_lock_path(manifest, scope)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise ConflictError(
                    f"another zenodeploy apply of {manifest} is running ({holder}); two at once would "
                    "create the same records twice. Let it finish, or pass --wait to start when it is done."
                ) from None
            if waiting is not None:
                waiting(f"waiting for the other apply of {manifest} ({holder}) to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "manifest": str(manifest.resolve()),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {int(info['pid'])} on {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its details are not written yet"
