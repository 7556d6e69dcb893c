"""Draft and record files: the three-step upload, delete, files-import, downloads (reference §6).

File rows hold ``{key, status, size, md5, file_id, created, updated}``; bytes live in the
content-addressed ``BlobStore``, so importing or publishing files links blobs, never copies.
A body that fails part-way leaves the entry pending with no content (transactional commit).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

from zenodeploy.emulator import serialize
from zenodeploy.emulator.blobs import BlobStore, BodyTooLarge
from zenodeploy.emulator.records import Records, now
from zenodeploy.emulator.replies import NOT_FOUND, HttpError
from zenodeploy.emulator.store import Doc

LOCKED = "Bucket is locked for modifications."


class Files:
    """File operations on drafts (``/draft/files``) and published records (``/files``)."""

    def __init__(self, records: Records, blobs: BlobStore, max_files: int, max_file_size: int | None) -> None:
        self.records = records
        self.store = records.store
        self.blobs = blobs
        self.max_files = max_files
        self.max_file_size = max_file_size

    def _draft(self, user: str | None, rec_id: str, *, write: bool) -> Doc:
        v = self.records.with_draft(user, rec_id)
        if write and v["draft"].get("files_locked"):
            # InvenioRDM locks the bucket of an edit draft (RDM_LOCK_EDIT_PUBLISHED_FILES)
            raise HttpError(403, LOCKED)
        return v

    def _file(self, rec_id: str, is_draft: bool, key: str) -> Doc:
        f = self.store.get_file(rec_id, is_draft, key)
        if f is None:
            raise HttpError(404, f"File with key {key} has not been found.")
        return f

    def list_draft(self, user: str | None, base: str, rec_id: str) -> Doc:
        self._draft(user, rec_id, write=False)
        return serialize.files_list(base, rec_id, True, self.store.files(rec_id, True))

    def list_record(self, base: str, rec_id: str) -> Doc:
        v = self.records.version(rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        return serialize.files_list(base, rec_id, False, self.store.files(rec_id, False))

    def init(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        self._draft(user, rec_id, write=True)
        if not isinstance(body, list) or not all(
            isinstance(e, dict) and isinstance(e.get("key"), str) for e in body
        ):
            raise HttpError(
                400, "A validation error occurred.", [("key", "Missing data for required field.")]
            )
        with self.store.tx():
            existing = {f["key"] for f in self.store.files(rec_id, True)}
            for entry in body:
                if entry["key"] in existing:
                    raise HttpError(400, f"File with key {entry['key']} already exists.")
                existing.add(entry["key"])
            if len(existing) > self.max_files:
                raise HttpError(400, f"Too many files: a record holds at most {self.max_files} files.")
            for entry in body:
                self.store.put_file(
                    rec_id,
                    True,
                    {
                        "key": entry["key"],
                        "status": "pending",
                        "metadata": entry.get("metadata"),
                        "created": now(),
                        "updated": now(),
                        "size": None,
                        "md5": None,
                        "file_id": str(uuid.uuid4()),
                    },
                )
        return serialize.files_list(base, rec_id, True, self.store.files(rec_id, True))

    def upload(
        self,
        user: str,
        base: str,
        rec_id: str,
        key: str,
        stream: IO[bytes],
        length: int | None,
        *,
        drop_after: int | None = None,
        on_drop: Callable[[], None] | None = None,
    ) -> Doc:
        """Stream the body into a blob, then (only then) record its size and md5 on the entry."""
        self._draft(user, rec_id, write=True)
        f = self._file(rec_id, True, key)
        if f["status"] == "completed":
            raise HttpError(400, f"File with key {key} is committed; delete it before uploading again.")
        if length is not None and self.max_file_size is not None and length > self.max_file_size:
            raise HttpError(400, "Maximum file size exceeded.")
        try:
            blob = self.blobs.receive(
                stream, length, limit=self.max_file_size, drop_after=drop_after, on_drop=on_drop
            )
        except BodyTooLarge:
            raise HttpError(400, "Maximum file size exceeded.") from None
        with self.store.tx():
            f = self._file(rec_id, True, key)  # it may have been deleted meanwhile
            f.update(size=blob.size, md5=blob.md5, updated=now())
            self.store.put_file(rec_id, True, f)
        return serialize.file_entry(base, rec_id, True, f)

    def commit(self, user: str, base: str, rec_id: str, key: str) -> Doc:
        self._draft(user, rec_id, write=True)
        with self.store.tx():
            f = self._file(rec_id, True, key)
            if not f.get("md5"):
                raise HttpError(400, f"File {key} has no content yet; upload it before committing.")
            if f["size"] == 0:
                raise HttpError(400, f"File {key} is empty. Empty files are not accepted.")
            f.update(status="completed", updated=now())
            self.store.put_file(rec_id, True, f)
        return serialize.file_entry(base, rec_id, True, f)

    def read(self, user: str | None, base: str, rec_id: str, key: str, is_draft: bool) -> Doc:
        if is_draft:
            self._draft(user, rec_id, write=False)
        else:
            self.list_record(base, rec_id)
        return serialize.file_entry(base, rec_id, is_draft, self._file(rec_id, is_draft, key))

    def delete(self, user: str, rec_id: str, key: str) -> None:
        self._draft(user, rec_id, write=True)
        with self.store.tx():
            self._file(rec_id, True, key)
            self.store.delete_file(rec_id, True, key)

    def content(self, user: str | None, rec_id: str, key: str, is_draft: bool) -> tuple[Doc, Iterator[bytes]]:
        if is_draft:
            self._draft(user, rec_id, write=False)
        elif self.records.version(rec_id)["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        f = self._file(rec_id, is_draft, key)
        if not f.get("md5") or not self.blobs.exists(f["md5"]):
            raise HttpError(404, NOT_FOUND)
        return f, self.blobs.iter_bytes(f["md5"])

    def import_files(self, user: str, base: str, rec_id: str) -> Doc:
        """Link the previous published version's files into this draft (no byte copy)."""
        v = self._draft(user, rec_id, write=True)
        if self.store.files(rec_id, True):
            raise HttpError(400, "Please remove all files first.")
        published = [
            s for s in self.store.versions_of(v["parent_id"]) if s["record"] is not None and s["id"] != rec_id
        ]
        if not published:
            raise HttpError(404, "The persistent identifier is not registered.")
        source = max(published, key=lambda s: s["idx"])
        with self.store.tx():
            for f in self.store.files(source["id"], False):
                self.store.put_file(rec_id, True, {**f, "created": now(), "updated": now()})
        return serialize.files_list(base, rec_id, True, self.store.files(rec_id, True))
