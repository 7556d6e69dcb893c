"""Draft and record files: the three-step upload, delete, files-import, downloads.

The operations follow invenio-records-resources: services/files/service.py (init, content,
commit, delete, read) and invenio-drafts-resources: services/records/service.py ``import_files``.

File rows hold ``{key, status, size, md5, file_id, created, updated}``; bytes live in the
content-addressed ``BlobStore``, so importing or publishing files links blobs, never copies.
A body that fails part-way leaves the entry pending with no content (transactional commit).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

from zenodeploy.emulator import serialize
from zenodeploy.emulator.blobs import BlobStore, BodyIncomplete, BodyOverrun, BodyTooLarge
from zenodeploy.emulator.records import Records, now
from zenodeploy.emulator.replies import NOT_FOUND, HttpError
from zenodeploy.emulator.store import Doc

LOCKED = "Bucket is locked for modifications."
TRANSFER_FAILED = "File upload transfer failed."
BIGGER = "File is bigger than expected."  # invenio-files-rest errors.py UnexpectedFileSizeError
TOO_MANY = "Uploading selected files will result in exceeding the max amount per record."
ZENODO_QUOTA = 50 * 10**9  # zenodo-rdm invenio.cfg RDM_FILES_DEFAULT_QUOTA_SIZE
ZENODO_MAX_FILE_SIZE = 50 * 10**9  # zenodo-rdm invenio.cfg RDM_FILES_DEFAULT_MAX_FILE_SIZE


class Files:
    """File operations on drafts (``/draft/files``) and published records (``/files``)."""

    def __init__(
        self,
        records: Records,
        blobs: BlobStore,
        max_files: int | None,
        max_file_size: int | None,
        quota_size: int | None = ZENODO_QUOTA,
    ) -> None:
        self.records = records
        self.store = records.store
        self.blobs = blobs
        self.max_files = max_files
        self.max_file_size = max_file_size
        self.quota_size = quota_size

    def size_limit(self, rec_id: str, key: str) -> tuple[int, str] | None:
        """The bucket's byte limit for one upload and its reason, as invenio-files-rest computes it.

        invenio-files-rest limiters.py ``file_size_limiters``: the quota left ("Bucket quota
        exceeded.") and the maximum file size ("Maximum file size exceeded."); models.py
        ``Bucket.size_limit`` takes the smaller (the quota on a tie, it comes first). The
        quota left is the quota minus the bytes already in the draft's bucket.
        """
        limits: list[tuple[int, str]] = []
        if self.quota_size is not None:
            used = sum(f.get("size") or 0 for f in self.store.files(rec_id, True) if f["key"] != key)
            limits.append((self.quota_size - used, "Bucket quota exceeded."))
        if self.max_file_size is not None:
            limits.append((self.max_file_size, "Maximum file size exceeded."))
        return min(limits, key=lambda lim: lim[0]) if limits else None

    def _draft(self, user: str | None, rec_id: str, *, write: bool) -> Doc:
        v = self.records.with_draft(user, rec_id)
        if write and v["draft"].get("files_locked"):
            # InvenioRDM locks the bucket of an edit draft (RDM_LOCK_EDIT_PUBLISHED_FILES)
            raise HttpError(403, LOCKED)
        return v

    def _file(self, rec_id: str, is_draft: bool, key: str) -> Doc:
        f = self.store.get_file(rec_id, is_draft, key)
        if f is None:
            # invenio-records-resources services/files/service.py ``_get_record`` →
            # FileKeyNotFoundError (services/errors.py), 404 (resources/errors.py)
            raise HttpError(404, f"Record '{rec_id}' has no file '{key}'.")
        return f

    def list_draft(self, user: str | None, base: str, rec_id: str) -> Doc:
        v = self._draft(user, rec_id, write=False)
        return serialize.files_list(
            base, rec_id, True, self.store.files(rec_id, True), v["draft"].get("default_preview")
        )

    def list_record(self, base: str, rec_id: str) -> Doc:
        v = self.records.version(rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        return serialize.files_list(
            base, rec_id, False, self.store.files(rec_id, False), v["record"].get("default_preview")
        )

    def init(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        self._draft(user, rec_id, write=True)
        if not isinstance(body, list) or not all(
            isinstance(e, dict) and isinstance(e.get("key"), str) for e in body
        ):
            raise HttpError(
                400, "A validation error occurred.", [("key", "Missing data for required field.")]
            )
        for entry in body:  # an optional declared size: a whole number of bytes
            size = entry.get("size")
            if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
                raise HttpError(400, "A validation error occurred.", [("size", "Not a valid integer.")])
        with self.store.tx():
            existing = {f["key"] for f in self.store.files(rec_id, True)}
            # invenio-records-resources services/files/components/metadata.py ``init_files``:
            # count + new entries over the maximum → FilesCountExceededException, answered
            # 400 with a fixed message (resources/errors.py); a draft already over it (old
            # records) may keep adding. Pending entries count.
            count = len(existing)
            if self.max_files and count <= self.max_files and count + len(body) > self.max_files:
                raise HttpError(400, TOO_MANY)
            for entry in body:
                if entry["key"] in existing:
                    raise HttpError(400, f"File with key {entry['key']} already exists.")
                existing.add(entry["key"])
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
                        "declared_size": entry.get("size"),
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
        overrun: Callable[[], bool] | None = None,
    ) -> Doc:
        """Stream the body into a blob, then (only then) record its size and md5 on the entry.

        A failed transfer is answered as invenio-records-resources does it
        (services/files/components/content.py ``set_file_content``, service.py
        ``set_file_content``): the transfer raises TransferException — the file was already
        committed (transfer/providers/local.py) or the body ended early (transfer/base.py:
        ClientDisconnected, OSError) — the file entry is removed from the draft
        (``files.delete(..., remove_rf=True)``) and the answer is **200** with the entry and
        ``"errors": "File upload transfer failed."`` (a string). Limits are refused before
        anything is stored: 400 with the bucket's reason (invenio-records-resources
        transfer/base.py ``set_file_content`` checks Content-Length against ``bucket.size_limit``;
        invenio-files-rest storage/base.py ``_write_stream`` checks the bytes as they arrive, so
        a chunked body is stopped too). The advertised size is the Content-Length, else the
        size declared at init: more bytes than that is a 400 "File is bigger than expected."
        (``_write_stream``: never write more than advertised; ``overrun`` tells whether bytes
        past Content-Length are waiting). A refused body leaves the entry pending, empty.
        """
        self._draft(user, rec_id, write=True)
        f = self._file(rec_id, True, key)
        if f["status"] == "completed":
            return self._transfer_failed(base, rec_id, f)
        limit = self.size_limit(rec_id, key)
        if length and limit is not None and length > limit[0]:
            raise HttpError(400, limit[1])
        declared = f.get("declared_size")
        if length and declared is not None and length > declared:
            raise HttpError(400, BIGGER)
        try:
            blob = self.blobs.receive(
                stream,
                length,
                limit=None if limit is None else max(0, limit[0]),
                expected=declared if length is None else None,
                overrun=overrun,
                drop_after=drop_after,
                on_drop=on_drop,
            )
        except BodyTooLarge:
            raise HttpError(400, limit[1] if limit else "Maximum file size exceeded.") from None
        except BodyOverrun:
            raise HttpError(400, BIGGER) from None
        except BodyIncomplete:
            return self._transfer_failed(base, rec_id, f)
        except ConnectionError:  # the connection is gone: the entry goes, nobody hears the answer
            self._remove(rec_id, key)
            raise
        with self.store.tx():
            f = self._file(rec_id, True, key)  # it may have been deleted meanwhile
            f.update(size=blob.size, md5=blob.md5, updated=now())
            self.store.put_file(rec_id, True, f)
        return serialize.file_entry(base, rec_id, True, f)

    def _transfer_failed(self, base: str, rec_id: str, f: Doc) -> Doc:
        self._remove(rec_id, f["key"])
        return {**serialize.file_entry(base, rec_id, True, f), "errors": TRANSFER_FAILED}

    def _remove(self, rec_id: str, key: str) -> None:
        """Delete a draft file; a ``default_preview`` naming it is cleared (manager.py ``delete``)."""
        with self.store.tx():
            self.store.delete_file(rec_id, True, key)
            v = self.records.version(rec_id)
            if v["draft"] is not None and v["draft"].get("default_preview") == key:
                v["draft"]["default_preview"] = None
                self.store.put_version(v)

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
            self._remove(rec_id, key)

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
