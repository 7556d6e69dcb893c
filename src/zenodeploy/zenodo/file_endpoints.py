"""The draft-file endpoints: list, start, stream content, commit, delete."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar
from urllib.parse import quote

from zenodeploy.errors import FilesError
from zenodeploy.zenodo.endpoints import JSON, EndpointBase, json_object, quote_id
from zenodeploy.zenodo.failures import OutcomeUnknown

T = TypeVar("T")


def _key(key: str) -> str:
    """Quote a file key for the ``<path:key>`` route: ``/`` stays a separator, all else is escaped.

    Empty, ``.`` and ``..`` segments are refused: proxies normalise them away, so the request
    would reach another file."""
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise FilesError(f"The file name {key!r} cannot be stored: remove empty, '.' and '..' path segments.")
    return quote(key, safe="/")


class FileEndpoints(EndpointBase):
    """Files of drafts and records; keys may contain ``/`` (the route is ``<path:key>``)."""

    def record_file_content(self, record_id: str, key: str, sink: Callable[[Iterable[bytes]], T]) -> T:
        """GET .../files/<key>/content of a published record, its bytes handed to ``sink`` as they
        stream in; returns what ``sink`` returns."""
        path = f"/api/records/{quote_id(record_id)}/files/{_key(key)}/content"
        result: T = self.transport.request("GET", path, idempotent=True, sink=sink)
        return result

    def draft_files(self, record_id: str) -> JSON:
        """GET .../draft/files: ``{"entries": [{"key", "status", "checksum", "size", ...}], ...}``."""
        return self._get(f"/api/records/{quote_id(record_id)}/draft/files")

    def get_draft_file(self, record_id: str, key: str) -> JSON:
        return self._get(f"/api/records/{quote_id(record_id)}/draft/files/{_key(key)}")

    def start_uploads(self, record_id: str, keys: Sequence[str]) -> JSON:
        """POST .../draft/files with ``[{"key": ...}]``; verified by every key being listed."""
        path = f"/api/records/{quote_id(record_id)}/draft/files"
        body = [{"key": k} for k in keys]
        try:
            result = self.transport.request(
                "POST", path, json=body, idempotent=False, unknown_outcome="started the uploads"
            )
            return json_object(result, "start uploads")
        except OutcomeUnknown as error:

            def check() -> JSON | None:
                listing = self.draft_files(record_id)
                listed = {e.get("key") for e in listing.get("entries", [])}
                return listing if set(keys) <= listed else None

            return self._verified(error, check)

    def upload_content(self, record_id: str, key: str, body: Callable[[], Iterable[bytes] | bytes]) -> JSON:
        """PUT .../content with the bytes ``body()`` yields.

        Not repeated after a lost connection or a 5xx: the server removes the file entry of a
        failed transfer, so the caller starts the file again (:class:`OutcomeUnknown`). ``body``
        is called once per attempt and must start from the beginning; give its result a
        ``__len__`` so that Content-Length is sent instead of chunked encoding."""
        path = f"/api/records/{quote_id(record_id)}/draft/files/{_key(key)}/content"
        headers = {"Content-Type": "application/octet-stream"}
        result = self.transport.request(
            "PUT",
            path,
            data=body,
            headers=headers,
            idempotent=False,
            unknown_outcome="stored part of the file",
        )
        return json_object(result if result is not None else {}, "upload")

    def commit_file(self, record_id: str, key: str) -> JSON:
        """POST .../commit; verified by the file's status being ``completed``."""
        path = f"/api/records/{quote_id(record_id)}/draft/files/{_key(key)}/commit"
        try:
            result = self.transport.request(
                "POST", path, idempotent=False, unknown_outcome="committed the file"
            )
            return json_object(result, "commit")
        except OutcomeUnknown as error:

            def check() -> JSON | None:
                entry = self.get_draft_file(record_id, key)
                return entry if entry.get("status") == "completed" else None

            return self._verified(error, check)

    def delete_file(self, record_id: str, key: str) -> None:
        self.transport.request(
            "DELETE", f"/api/records/{quote_id(record_id)}/draft/files/{_key(key)}", idempotent=True
        )

    def files_import(self, record_id: str) -> JSON:
        """POST .../draft/actions/files-import; verified by the draft now listing files."""
        path = f"/api/records/{quote_id(record_id)}/draft/actions/files-import"
        try:
            result = self.transport.request(
                "POST", path, idempotent=False, unknown_outcome="imported the files"
            )
            return json_object(result, "files import")
        except OutcomeUnknown as error:
            return self._verified(error, lambda: self._with_entries(self.draft_files(record_id)))

    @staticmethod
    def _with_entries(listing: JSON) -> JSON | None:
        return listing if listing.get("entries") else None
