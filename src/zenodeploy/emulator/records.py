"""Reading drafts, records and versions: lookup, access grants, the RDM JSON documents, publish errors.

A *version* row holds one record id with an optional draft document and an optional
published record document, as InvenioRDM keeps a draft and its record under one id. A
*parent* (concept) groups the versions. All methods take the caller's user name and raise
``HttpError`` with InvenioRDM's status and message when the request cannot proceed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zenodeploy.emulator import ror, serialize
from zenodeploy.emulator.blobs import BlobStore
from zenodeploy.emulator.replies import NOT_FOUND, HttpError, forbidden, no_pid
from zenodeploy.emulator.store import Doc, Store
from zenodeploy.emulator.validation import Errors, group, load_metadata, publish_errors

WRITABLE = frozenset(
    {"metadata", "access", "custom_fields", "files", "pids", "parent", "media_files", "$schema"}
)
DOI_PREFIX = "10.5072"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


class Records:
    """The records service's reads (writes are ``drafts.py``); ``communities`` resolves community ids
    for the parent block."""

    def __init__(self, store: Store, blobs: BlobStore, communities: Any) -> None:
        self.store = store
        self.blobs = blobs
        self.communities = communities

    # lookup ----------------------------------------------------------------------
    def version(self, rec_id: str) -> Doc:
        v = self.store.get_version(rec_id)
        if v is None:
            raise no_pid()
        return v

    def grant(self, v: Doc, user: str | None) -> str | None:
        """The permission an access grant of ``v``'s parent gives ``user`` (None: no grant)."""
        parent = self.store.get_parent(v["parent_id"]) or {}
        for g in parent.get("grants", []):
            if user is not None and g.get("user") == user:
                return str(g.get("permission"))
        return None

    def owned(self, user: str | None, rec_id: str, *, read: bool = False) -> Doc:
        """``rec_id`` if ``user`` owns it or holds an edit/manage grant (preview too when ``read``),
        as invenio-rdm-records services/permissions.py ``can_update_draft``/``can_preview``
        (RecordOwners, AccessGrant) allow; else 403."""
        v = self.version(rec_id)
        if user is None:
            raise forbidden()
        if v["owner"] != user and self.grant(v, user) not in (
            ("preview", "edit", "manage") if read else ("edit", "manage")
        ):
            raise forbidden()
        return v

    def share(self, rec_id: str, user: str, permission: str) -> None:
        """Give ``user`` an access grant on ``rec_id``'s parent (``/api/_emulator/`` setup)."""
        if permission not in ("view", "preview", "edit", "manage"):
            raise HttpError(400, "permission must be view, preview, edit or manage")
        v = self.version(rec_id)
        with self.store.tx():
            parent = self.store.get_parent(v["parent_id"]) or {"owner": v["owner"]}
            grants = [g for g in parent.get("grants", []) if g.get("user") != user]
            parent["grants"] = [*grants, {"user": user, "permission": permission}]
            self.store.put_parent(v["parent_id"], v["owner"], parent)

    def with_draft(self, user: str | None, rec_id: str, *, read: bool = False) -> Doc:
        v = self.owned(user, rec_id, read=read)
        if v["draft"] is None:
            raise HttpError(404, NOT_FOUND)
        return v

    def latest(self, rec_id: str) -> Doc:
        v = self.version(rec_id)
        published = [s for s in self.store.versions_of(v["parent_id"]) if s["record"] is not None]
        if not published:
            raise no_pid()
        return max(published, key=lambda s: s["idx"])

    def latest_of_parent(self, parent_id: str) -> Doc:
        """The newest published version of a concept; 404 "Not found." when none is published."""
        published = [s for s in self.store.versions_of(parent_id) if s["record"] is not None]
        if not published:
            raise HttpError(404, NOT_FOUND)
        return max(published, key=lambda s: s["idx"])

    # documents -------------------------------------------------------------------
    def document(self, base: str, v: Doc, is_draft: bool, errors: Errors | None = None) -> Doc:
        """The RDM JSON of ``v``'s draft (``is_draft``) or published record."""
        body = v["draft"] if is_draft else v["record"]
        parent = self.store.get_parent(v["parent_id"]) or {"owner": v["owner"]}
        siblings = self.store.versions_of(v["parent_id"])
        published = [s["idx"] for s in siblings if s["record"] is not None]
        doi = body["pids"].get("doi", {}).get("identifier") if not is_draft else None
        files = self.store.files(v["id"], is_draft)
        doc: Doc = {
            "id": v["id"],
            "created": body["created"],
            "updated": body["updated"],
            "links": serialize.record_links(base, v["id"], is_draft, v["parent_id"], doi),
            "revision_id": body["revision_id"],
            "parent": serialize.parent_block(v["parent_id"], parent, self.communities.entries(parent)),
            "versions": {
                "index": v["idx"],
                "is_latest": bool(published)
                and v["idx"] == max(published)
                and not (is_draft and v["record"] is None),
                # A version deleted since the row was read leaves no siblings to compare with.
                "is_latest_draft": v["idx"] == max((s["idx"] for s in siblings), default=v["idx"]),
            },
            "is_published": v["record"] is not None,
            "is_draft": is_draft,
            "pids": body["pids"],
            "metadata": ror.dereference(body["metadata"]),
            "custom_fields": body.get("custom_fields", {}),
            "access": serialize.access_block(body["access"], any(f["status"] == "completed" for f in files)),
            "files": serialize.files_summary(base, v["id"], is_draft, files, body.get("default_preview")),
            "media_files": {"enabled": False, "order": [], "count": 0, "total_bytes": 0, "entries": {}},
            "status": self.status(v, is_draft),
            "stats": {
                "this_version": {"views": 0, "downloads": 0},
                "all_versions": {"views": 0, "downloads": 0},
            },
        }
        if errors:
            doc["errors"] = group(errors)
        return doc

    def status(self, v: Doc, is_draft: bool) -> str:
        if not is_draft:
            return "published"
        draft = v["draft"]
        if draft.get("review_status") in ("submitted", "declined"):
            return {"submitted": "in_review", "declined": "declined"}[draft["review_status"]]
        if draft.get("review_status") == "created":
            return "draft_with_review"
        return {"new": "draft", "new_version": "new_version_draft"}.get(draft["kind"], "published")

    # errors ----------------------------------------------------------------------
    def files_errors(self, rec_id: str) -> Errors:
        """The draft's files problem a save reports: no entry at all (pending ones count).

        invenio-drafts-resources services/records/components/base.py ``update_draft``:
        "Missing uploaded files." when ``files.items()`` is empty; the longer text (with
        "mark it as metadata-only") only for users who may toggle files, which nobody may on
        Zenodo (zenodo-rdm site/zenodo_rdm/permissions.py ``can_manage_files`` with
        ``RDM_ALLOW_METADATA_ONLY_RECORDS = False``).
        """
        if not self.store.files(rec_id, True):
            return [("files.enabled", "Missing uploaded files.")]
        return []

    def publish_errors(self, v: Doc) -> Errors:
        """What stops ``v``'s draft from being published (or submitted), in the server's order.

        invenio-drafts-resources services/records/service.py ``publish``: the strict schema
        validation fails first with every schema error; then the components run in order and
        the first one to raise wins: files (components/base.py ``publish``: no entry →
        ``files.enabled``, a pending one → ``files``), then PIDs (the DataCite provider's
        publisher check, invenio-rdm-records services/pids/providers/datacite.py).
        """
        draft = v["draft"]
        schema = load_metadata(draft["metadata"])[1]
        if schema:
            return schema
        files = self.store.files(v["id"], True)
        if not files:
            return [("files.enabled", MISSING_FILES)]
        if any(f["status"] != "completed" for f in files):
            return [("files", "One or more files have not completed their transfer, please wait.")]
        return publish_errors(draft["metadata"], draft["pids"].get("doi", {}).get("provider") != "external")


MISSING_FILES = "Missing uploaded files. To disable files for this record please mark it as metadata-only."
