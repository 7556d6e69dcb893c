"""The emulator's state in SQLite: parents, versions (draft and record documents), files, requests.

One connection shared by all server threads behind one re-entrant lock: the emulator is
for tests and trials, so serialising state changes is simpler and safe. Every public
method runs in one transaction (``with store.tx():`` groups several), so a crash never
leaves a half-written change.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Doc = dict[str, Any]
# invenio-rdm-records services/search_params.py SharedOrMyDraftsParam: grants that read drafts
DRAFT_READERS = ("preview", "edit", "manage")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seq (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS parents (id TEXT PRIMARY KEY, owner TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    id TEXT PRIMARY KEY, parent_id TEXT NOT NULL, owner TEXT NOT NULL, idx INTEGER NOT NULL,
    draft TEXT, record TEXT);
CREATE TABLE IF NOT EXISTS files (
    rec_id TEXT NOT NULL, is_draft INTEGER NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (rec_id, is_draft, key));
CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS communities (id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, doc TEXT NOT NULL);
"""


class Store:
    """Typed access to the SQLite file ``<data_dir>/emulator.sqlite3``."""

    def __init__(self, path: Path) -> None:
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        self._depth = 0

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[None]:
        """One transaction (nestable: only the outermost commits or rolls back), holding the lock."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> Any:
        with self.lock:
            return self._conn.execute(sql, args).fetchone()

    def _all(self, sql: str, *args: Any) -> list[Any]:
        with self.lock:
            return self._conn.execute(sql, args).fetchall()

    def _run(self, sql: str, *args: Any) -> None:
        with self.tx():
            self._conn.execute(sql, args)

    # ids -------------------------------------------------------------------------
    def next_id(self, name: str = "recid") -> int:
        """The next integer of a sequence; record and parent ids share one, as on Zenodo."""
        with self.tx():
            row = self._one("SELECT value FROM seq WHERE name = ?", name)
            value = (row[0] if row else 0) + 1
            self._run("INSERT OR REPLACE INTO seq (name, value) VALUES (?, ?)", name, value)
            return int(value)

    # parents ---------------------------------------------------------------------
    def get_parent(self, parent_id: str) -> Doc | None:
        row = self._one("SELECT doc FROM parents WHERE id = ?", parent_id)
        return json.loads(row[0]) if row else None

    def put_parent(self, parent_id: str, owner: str, doc: Doc) -> None:
        self._run(
            "INSERT OR REPLACE INTO parents (id, owner, doc) VALUES (?, ?, ?)", parent_id, owner, _j(doc)
        )

    def delete_parent(self, parent_id: str) -> None:
        self._run("DELETE FROM parents WHERE id = ?", parent_id)

    # versions --------------------------------------------------------------------
    def get_version(self, rec_id: str) -> Doc | None:
        """``{id, parent_id, owner, idx, draft, record}`` with the documents decoded (or None)."""
        row = self._one("SELECT id, parent_id, owner, idx, draft, record FROM versions WHERE id = ?", rec_id)
        return _version(row) if row else None

    def versions_of(self, parent_id: str) -> list[Doc]:
        rows = self._all(
            "SELECT id, parent_id, owner, idx, draft, record FROM versions WHERE parent_id = ? ORDER BY idx",
            parent_id,
        )
        return [_version(r) for r in rows]

    def versions_owned_by(self, owner: str) -> list[Doc]:
        rows = self._all(
            "SELECT id, parent_id, owner, idx, draft, record FROM versions WHERE owner = ? "
            "ORDER BY CAST(id AS INTEGER)",
            owner,
        )
        return [_version(r) for r in rows]

    def all_versions(self) -> list[Doc]:
        rows = self._all(
            "SELECT id, parent_id, owner, idx, draft, record FROM versions ORDER BY CAST(id AS INTEGER)"
        )
        return [_version(r) for r in rows]

    def versions_of_parents(self, parent_ids: list[str]) -> list[Doc]:
        if not parent_ids:
            return []
        marks = ",".join("?" * len(parent_ids))
        rows = self._all(
            f"SELECT id, parent_id, owner, idx, draft, record FROM versions WHERE parent_id IN ({marks}) "  # noqa: S608
            "ORDER BY CAST(id AS INTEGER)",
            *parent_ids,
        )
        return [_version(r) for r in rows]

    def parents_shared_with(self, user: str) -> list[str]:
        """Parent ids whose access grants name ``user`` with a permission that reads drafts."""
        out = []
        for pid, doc in self._all("SELECT id, doc FROM parents"):
            grants = json.loads(doc).get("grants", [])
            if any(g.get("user") == user and g.get("permission") in DRAFT_READERS for g in grants):
                out.append(pid)
        return out

    def put_version(self, v: Doc) -> None:
        self._run(
            "INSERT OR REPLACE INTO versions (id, parent_id, owner, idx, draft, record) VALUES (?, ?, ?, ?, ?, ?)",
            v["id"],
            v["parent_id"],
            v["owner"],
            v["idx"],
            _j(v["draft"]) if v["draft"] is not None else None,
            _j(v["record"]) if v["record"] is not None else None,
        )

    def delete_version(self, rec_id: str) -> None:
        self._run("DELETE FROM versions WHERE id = ?", rec_id)

    # files -----------------------------------------------------------------------
    def files(self, rec_id: str, is_draft: bool) -> list[Doc]:
        rows = self._all(
            "SELECT doc FROM files WHERE rec_id = ? AND is_draft = ? ORDER BY rowid", rec_id, int(is_draft)
        )
        return [json.loads(r[0]) for r in rows]

    def get_file(self, rec_id: str, is_draft: bool, key: str) -> Doc | None:
        row = self._one(
            "SELECT doc FROM files WHERE rec_id = ? AND is_draft = ? AND key = ?", rec_id, int(is_draft), key
        )
        return json.loads(row[0]) if row else None

    def put_file(self, rec_id: str, is_draft: bool, doc: Doc) -> None:
        with self.tx():
            exists = self.get_file(rec_id, is_draft, doc["key"]) is not None
            if exists:  # UPDATE keeps the rowid, so the upload order survives
                self._run(
                    "UPDATE files SET doc = ? WHERE rec_id = ? AND is_draft = ? AND key = ?",
                    _j(doc),
                    rec_id,
                    int(is_draft),
                    doc["key"],
                )
            else:
                self._run(
                    "INSERT INTO files (rec_id, is_draft, key, doc) VALUES (?, ?, ?, ?)",
                    rec_id,
                    int(is_draft),
                    doc["key"],
                    _j(doc),
                )

    def delete_file(self, rec_id: str, is_draft: bool, key: str) -> None:
        self._run(
            "DELETE FROM files WHERE rec_id = ? AND is_draft = ? AND key = ?", rec_id, int(is_draft), key
        )

    def delete_files(self, rec_id: str, is_draft: bool) -> None:
        self._run("DELETE FROM files WHERE rec_id = ? AND is_draft = ?", rec_id, int(is_draft))

    # requests --------------------------------------------------------------------
    def get_request(self, req_id: str) -> Doc | None:
        row = self._one("SELECT doc FROM requests WHERE id = ?", req_id)
        return json.loads(row[0]) if row else None

    def put_request(self, doc: Doc) -> None:
        self._run("INSERT OR REPLACE INTO requests (id, doc) VALUES (?, ?)", doc["id"], _j(doc))

    def all_requests(self) -> list[Doc]:
        return [json.loads(r[0]) for r in self._all("SELECT doc FROM requests ORDER BY rowid")]

    # communities -----------------------------------------------------------------
    def get_community(self, id_or_slug: str) -> Doc | None:
        row = self._one("SELECT doc FROM communities WHERE id = ? OR slug = ?", id_or_slug, id_or_slug)
        return json.loads(row[0]) if row else None

    def put_community(self, doc: Doc) -> None:
        self._run(
            "INSERT OR REPLACE INTO communities (id, slug, doc) VALUES (?, ?, ?)",
            doc["id"],
            doc["slug"],
            _j(doc),
        )

    def all_communities(self) -> list[Doc]:
        return [json.loads(r[0]) for r in self._all("SELECT doc FROM communities ORDER BY rowid")]


def _j(doc: Doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


def _version(row: Any) -> Doc:
    return {
        "id": row[0],
        "parent_id": row[1],
        "owner": row[2],
        "idx": row[3],
        "draft": json.loads(row[4]) if row[4] else None,
        "record": json.loads(row[5]) if row[5] else None,
    }
