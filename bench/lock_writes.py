"""Cost of one lock update at 1,000 entries: an appended journal line vs a whole-file rewrite.

Both are fsynced, so both survive a ``kill -9``; the rewrite (what every change cost before the
journal, and what ``compact`` does once at the end of a run) grows with the lock, the append
does not. Usage:
    .venv/bin/python bench/lock_writes.py [--entries 1000] [--writes 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from zenodeploy.reconcile.lock import Lock, LockEntry


def filled(path: Path, entries: int) -> Lock:
    lock = Lock(
        path,
        {
            "zenodo": {
                f"dep-{i:05d}": LockEntry(str(1000 + i), str(999 + i), f"10.5281/zenodo.{1000 + i}")
                for i in range(entries)
            }
        },
    )
    lock.save()
    return lock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:  # the disk the lock lives on
        lock = filled(Path(tmp) / "zenodeploy.yaml.lock", args.entries)
        started = time.perf_counter()
        for i in range(args.writes):
            lock.set("zenodo", f"new-{i}", LockEntry(str(i)))
        journal = (time.perf_counter() - started) / args.writes
        started = time.perf_counter()
        lock.compact()
        compact = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(args.writes):
            lock.save()  # the whole file, serialised, written and fsynced: the former cost of a set
        rewrite = (time.perf_counter() - started) / args.writes
    print(f"lock of {args.entries} entries, {args.writes} updates")
    print(f"  journal append : {journal * 1000:7.2f} ms per update")
    print(f"  whole rewrite  : {rewrite * 1000:7.2f} ms per update ({rewrite / journal:.1f}x)")
    print(f"  compact at end : {compact * 1000:7.2f} ms once")


if __name__ == "__main__":
    main()
