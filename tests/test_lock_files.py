"""The lock file's temporary files: one left by a writer killed between create and rename is
removed by the next run; a fresh one (a live writer's) and unrelated files are left alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

from zenodeploy.reconcile.lock import STALE_AFTER, Lock, LockEntry


def test_a_killed_writers_temporary_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "zenodeploy.yaml.lock"
    written = Lock(path)
    written.set("local", "a", LockEntry("1"))
    written.compact()  # the run's end: the journal folded into the lock file
    stale = tmp_path / ".zenodeploy.yaml.lock.k3_9zq0x"  # what kill -9 during a write leaves
    fresh = tmp_path / ".zenodeploy.yaml.lock.abcd1234"  # a write in progress right now
    other = tmp_path / ".zenodeploy.yaml.lock.journal"  # not ours to remove
    for extra in (stale, fresh, other):
        extra.write_text("{")
    old = time.time() - STALE_AFTER - 5
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    lock = Lock.load(path)
    assert lock.get("local", "a") == LockEntry("1")
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, fresh.name, other.name])
