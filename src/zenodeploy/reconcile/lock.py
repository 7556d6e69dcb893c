"""The lock file ``<manifest>.lock``: which record each key is, per server; written atomically.

JSON, keys sorted, one entry per (server, key), so diffs in review stay small:
``{"version": 1, "servers": {"sandbox": {"my-key": {"record_id": "123", "parent_id": "122", ...}}}}``.
Every change is appended to the journal ``<manifest>.lock.journal`` (one JSON line, fsynced)
as it is made, so a crash right after a create never loses the new record's id, at a cost
that does not grow with the lock. Loading replays the journal over the lock (a line torn by a
crash is ignored: its write never completed); ``compact`` rewrites the lock and removes the
journal, at the end of every run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from zenodeploy.errors import ConfigError

LOCK_VERSION = 1


@dataclass(frozen=True, slots=True)
class LockEntry:
    record_id: str
    parent_id: str | None = None
    doi: str | None = None
    concept_doi: str | None = None
    pending_id: str | None = None  # an unpublished new-version draft of this record, if any
    # Community inclusion requests apply made, (community slug, request id), so a request that
    # is still open is not made again on the next run.
    requests: tuple[tuple[str, str], ...] = ()
    # Write receipts: for each field the server stored differently from what was sent,
    # (field, fingerprint of what was sent, fingerprint of what the server stored).
    receipts: tuple[tuple[str, str, str], ...] = ()
    # The published record as last written or read (its ``revision_id`` and ``updated``): a
    # search hit that is exactly this save stands for a GET; any other is read again.
    revision_id: str | None = None
    updated: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> LockEntry:
        """The entry ``data`` holds; ValueError when it is not one (an object with a record_id)."""
        if not isinstance(data, Mapping) or not data.get("record_id"):
            raise ValueError("not a lock entry (an object with a record_id)")
        names = {f.name for f in fields(cls)} - {"requests", "receipts"}
        values = {k: (None if v is None else str(v)) for k, v in data.items() if k in names}
        asked: Mapping[Any, Any] = data["requests"] if isinstance(data.get("requests"), Mapping) else {}
        kept: Mapping[Any, Any] = data["receipts"] if isinstance(data.get("receipts"), Mapping) else {}
        requests = tuple(sorted((str(k), str(v)) for k, v in asked.items()))
        receipts = tuple(
            sorted(
                (str(k), str(v.get("sent", "")), str(v.get("stored", "")))
                for k, v in kept.items()
                if isinstance(v, Mapping)
            )
        )
        return cls(**values, requests=requests, receipts=receipts)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, Any]:
        plain = {"requests", "receipts"}
        out: dict[str, Any] = {k: v for k, v in asdict(self).items() if v is not None and k not in plain}
        if self.requests:
            out["requests"] = dict(self.requests)
        if self.receipts:
            out["receipts"] = {name: {"sent": sent, "stored": stored} for name, sent, stored in self.receipts}
        return out


def _servers(path: Path, raw: Any) -> dict[str, dict[str, LockEntry]]:
    """The entries of a lock file's ``servers``, or a ConfigError naming the one that is damaged."""
    out: dict[str, dict[str, LockEntry]] = {}
    for server, entries in raw.items() if isinstance(raw, Mapping) else [("", None)]:
        for key, entry in entries.items() if isinstance(entries, Mapping) else [("", None)]:
            try:
                out.setdefault(str(server), {})[str(key)] = LockEntry.from_json(entry)
            except ValueError:
                where = ".".join(p for p in ("servers", str(server), str(key)) if p)
                raise ConfigError(
                    f"{path}: {where} is not a lock entry (an object with a record_id). Restore the "
                    "file from version control, or delete that entry; apply then finds the record by search."
                ) from None
    return out


def lock_path(manifest: Path) -> Path:
    return manifest.with_name(manifest.name + ".lock")


class Lock:
    """The lock file in memory; ``set`` persists immediately (thread-safe, atomic rename).

    With a ``base`` (``--shard``: the main lock under a shard's fragment), reads fall back to
    the base and writes go only to ``path``, which then holds only what this run changed.
    """

    def __init__(
        self, path: Path, servers: dict[str, dict[str, LockEntry]] | None = None, base: Lock | None = None
    ) -> None:
        self.path = path
        self.journal = path.with_name(path.name + ".journal")
        self._servers: dict[str, dict[str, LockEntry]] = servers or {}
        self._mutex = threading.Lock()
        self._base = base

    @classmethod
    def layered(cls, main: Path, fragment: Path) -> Lock:
        """The main lock, overlaid by a shard's fragment; writes go to the fragment only."""
        layer = cls.load(fragment)
        return cls(fragment, layer._servers, base=cls.load(main))

    @classmethod
    def load(cls, path: Path) -> Lock:
        sweep(path)
        lock = cls._read(path)
        lock._replay()
        return lock

    @classmethod
    def _read(cls, path: Path) -> Lock:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot read the lock file {path} ({exc}). Restore it from version control or delete it; apply then finds records by search."
            ) from None
        if not isinstance(data, dict) or data.get("version") != LOCK_VERSION:
            raise ConfigError(f"{path} is not a zenodeploy lock file of version {LOCK_VERSION}.")
        return cls(path, _servers(path, data.get("servers") or {}))

    def get(self, server: str, key: str) -> LockEntry | None:
        own = self._servers.get(server, {}).get(key)
        return own if own is not None or self._base is None else self._base.get(server, key)

    def entries(self, server: str) -> dict[str, LockEntry]:
        below = self._base.entries(server) if self._base is not None else {}
        return {**below, **self._servers.get(server, {})}

    def set(self, server: str, key: str, entry: LockEntry) -> None:
        """Record ``entry``; durable on return (one fsynced line appended to the journal)."""
        with self._mutex:
            if self.get(server, key) == entry:
                return
            self._servers.setdefault(server, {})[key] = entry
            line = json.dumps({"server": server, "key": key, "entry": entry.to_json()}, sort_keys=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("a", encoding="utf-8") as handle:
                handle.write("\n" + line)  # the newline first: a line torn by a crash stays alone
                handle.flush()
                os.fsync(handle.fileno())

    def _replay(self) -> None:
        try:
            lines = self.journal.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ConfigError(f"cannot read the lock journal {self.journal} ({exc}).") from None
        for line in filter(None, lines):
            try:
                change = json.loads(line)
                entry = LockEntry.from_json(change["entry"])
                self._servers.setdefault(str(change["server"]), {})[str(change["key"])] = entry
            except (ValueError, KeyError, TypeError):
                continue  # torn by a crash mid-append: that write never returned

    def compact(self) -> None:
        """Fold the journal into the lock file (atomic rename), then remove the journal."""
        with self._mutex:
            if self.journal.exists():
                self._write()
                self.journal.unlink(missing_ok=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": LOCK_VERSION,
            "servers": {
                server: {key: e.to_json() for key, e in sorted(entries.items())}
                for server, entries in sorted(self._servers.items())
            },
        }

    def _write(self) -> None:
        text = json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def save(self) -> None:
        with self._mutex:
            self._write()
            self.journal.unlink(missing_ok=True)


# ``_write``'s temporary files: ``mkstemp`` adds 8 characters of this alphabet to the prefix.
_TEMP_SUFFIX = re.compile(r"[a-z0-9_]{8}")
STALE_AFTER = 60.0  # seconds; a write takes milliseconds, so an older temporary file lost its writer


def sweep(path: Path, now: float | None = None) -> list[Path]:
    """Delete temporary files a killed writer (``kill -9`` between create and rename) left
    beside ``path``; only those older than ``STALE_AFTER``, so a live writer is never disturbed."""
    prefix = f".{path.name}."
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []
    for candidate in candidates:
        if not _TEMP_SUFFIX.fullmatch(candidate.name[len(prefix) :]):
            continue
        with contextlib.suppress(OSError):
            if now - candidate.lstat().st_mtime > STALE_AFTER:
                candidate.unlink()
                removed.append(candidate)
    return removed


def merge(target: Path, fragments: Iterable[Path]) -> Lock:
    """Combine lock fragments (one per CI shard) into ``target`` and write it.

    A fragment's entry replaces the target's (the fragment is newer: a shard may have made a new
    version); two fragments that disagree about the same key are an error, and nothing is written.
    """
    merged = Lock.load(target)
    origin: dict[tuple[str, str], tuple[Path, LockEntry]] = {}
    for fragment in fragments:
        other = Lock.load(fragment)
        for server, entries in other._servers.items():
            for key, entry in entries.items():
                seen = origin.get((server, key))
                if seen is not None and seen[1] != entry:
                    raise ConfigError(
                        f"{fragment} and {seen[0]} disagree about '{key}' on {server} ({seen[1].record_id} vs {entry.record_id}); "
                        "were they made with different --shard counts? Merge only one run's fragments, or pin the record with record: in the manifest."
                    )
                origin[(server, key)] = (fragment, entry)
                merged._servers.setdefault(server, {})[key] = entry
    merged.save()
    return merged
