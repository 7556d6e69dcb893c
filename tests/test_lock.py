"""The lock: each change durable at once in an append-only journal, the lock file rewritten once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zenodeploy.errors import ConfigError
from zenodeploy.reconcile.lock import Lock, LockEntry


def _lock_with(path: Path, count: int) -> Lock:
    lock = Lock(path, {"s": {f"k{i:04d}": LockEntry(str(i), parent_id=str(i - 1)) for i in range(count)}})
    lock.save()
    return lock


def test_a_change_appends_to_the_journal_and_leaves_the_lock_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "z.yaml.lock"
    lock = _lock_with(path, 1000)
    before = path.read_bytes()
    for i in range(3):
        lock.set("s", f"new-{i}", LockEntry(f"n{i}"))
    assert path.read_bytes() == before  # no rewrite of 1,000 entries per change
    assert len([line for line in lock.journal.read_text().splitlines() if line]) == 3
    again = Lock.load(path)  # a new process: the journal is replayed over the lock file
    assert again.get("s", "new-2") == LockEntry("n2") and again.get("s", "k0999") == LockEntry("999", "998")


def test_compact_writes_the_same_lock_file_format_and_removes_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "z.yaml.lock"
    lock = _lock_with(path, 2)
    lock.set("s", "k0001", LockEntry("7", revision_id="3", updated="2024-05-01T00:00:00"))
    lock.compact()
    assert not lock.journal.exists()
    assert json.loads(path.read_text()) == {
        "version": 1,
        "servers": {
            "s": {
                "k0000": {"record_id": "0", "parent_id": "-1"},
                "k0001": {"record_id": "7", "revision_id": "3", "updated": "2024-05-01T00:00:00"},
            }
        },
    }
    assert Lock.load(path).entries("s") == lock.entries("s")


def test_a_line_torn_by_a_crash_is_ignored_and_later_changes_still_count(tmp_path: Path) -> None:
    path = tmp_path / "z.yaml.lock"
    lock = _lock_with(path, 1)
    lock.set("s", "a", LockEntry("1"))
    with lock.journal.open("a") as handle:
        handle.write('\n{"server": "s", "key": "b", "ent')  # the process died mid-append
    after_crash = Lock.load(path)
    assert after_crash.get("s", "a") == LockEntry("1") and after_crash.get("s", "b") is None
    after_crash.set("s", "c", LockEntry("3"))
    assert Lock.load(path).get("s", "c") == LockEntry("3")


def test_kill_9_right_after_a_change_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "z.yaml.lock"
    _lock_with(path, 100)
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from zenodeploy.reconcile.lock import Lock, LockEntry\n"
        "lock = Lock.load(Path(sys.argv[1]))\n"
        "for i in range(50):\n"
        "    lock.set('s', f'created-{i}', LockEntry(str(1000 + i)))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert result.returncode == -signal.SIGKILL
    survived = Lock.load(path)
    assert all(survived.get("s", f"created-{i}") == LockEntry(str(1000 + i)) for i in range(50))
    assert survived.get("s", "k0099") == LockEntry("99", "98")
    assert os.path.exists(survived.journal)  # replayed, kept until a run compacts it


def test_a_damaged_entry_is_named_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "zenodeploy.yaml.lock"
    for servers, where in [
        ({"local": {"weather": "x"}}, "servers.local.weather"),
        ({"local": {"weather": {"doi": "10.5072/zenodo.2"}}}, "servers.local.weather"),
        ({"local": ["weather"]}, "servers.local"),
        (["local"], "servers"),
    ]:
        path.write_text(json.dumps({"version": 1, "servers": servers}))
        with pytest.raises(ConfigError) as caught:
            Lock.load(path)
        assert f"{path}: {where} is not a lock entry" in str(caught.value), servers
        assert "delete that entry; apply then finds the record by search" in str(caught.value)
    path.write_text(
        json.dumps({"version": 1, "servers": {"local": {"w": {"record_id": "2", "requests": []}}}})
    )
    assert Lock.load(path).get("local", "w") == LockEntry("2")
