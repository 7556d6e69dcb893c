"""The write operations of ``/api/records``: create, save, discard, edit, publish, new version, DOI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zenodeploy.emulator.body import load_body
from zenodeploy.emulator.records import DOI_PREFIX, Records, now
from zenodeploy.emulator.replies import NOT_FOUND, VALIDATION, HttpError
from zenodeploy.emulator.store import Doc
from zenodeploy.emulator.validation import Errors


class Drafts:
    """Writes to drafts and records; reads, permissions and documents come from ``records``."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.store = records.store

    def set_default_preview(self, v: Doc, body: Any, errors: Errors) -> None:
        """``files.default_preview`` from a draft PUT: reset to None when not sent.

        invenio-drafts-resources services/records/components/base.py ``update_draft`` reads
        ``data.get("files", {}).get("default_preview")`` and assigns it (invenio-records-resources
        services/records/components/files.py ``assign_files_default_preview``) on every
        update; a key the draft has no file for keeps the old value and reports
        ``files.default_preview`` 'No file with key "…"' (records/systemfields/files/manager.py).
        Turning files off is refused first on Zenodo (nobody may ``manage_files``), which
        skips the assignment.
        """
        files = body.get("files") if isinstance(body, dict) else None
        files = files if isinstance(files, dict) else {}
        if files.get("enabled", True) is not True:
            errors.append(("files.enabled", "You don't have permissions to manage files options."))
            return
        key = files.get("default_preview")
        if key and self.store.get_file(v["id"], True, str(key)) is None:
            errors.append(("files.default_preview", f'No file with key "{key}"'))
            return
        v["draft"]["default_preview"] = key or None

    def create(self, user: str, base: str, body: Any) -> Doc:
        fields, errors = load_body(body, None)
        with self.store.tx():
            parent_id = str(self.store.next_id())
            rec_id = str(self.store.next_id())
            self.store.put_parent(
                parent_id, user, {"owner": user, "pids": {}, "communities": [], "created": now()}
            )
            draft = {**fields, "created": now(), "updated": now(), "revision_id": 1, "kind": "new"}
            v = {
                "id": rec_id,
                "parent_id": parent_id,
                "owner": user,
                "idx": 1,
                "draft": draft,
                "record": None,
            }
            self.store.put_version(v)
        # invenio-drafts-resources components/base.py ``create`` only assigns files.enabled:
        # "Missing uploaded files." is reported by updates, not by the create.
        return self.records.document(base, v, True, errors)

    def update(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        v = self.records.with_draft(user, rec_id)
        fields, errors = load_body(body, v["draft"])
        v["draft"].update(fields, updated=now(), revision_id=v["draft"]["revision_id"] + 1)
        errors += self.records.files_errors(rec_id)
        self.set_default_preview(v, body, errors)
        self.store.put_version(v)
        return self.records.document(base, v, True, errors)

    def discard(self, user: str, rec_id: str) -> None:
        v = self.records.with_draft(user, rec_id)
        with self.store.tx():
            self.store.delete_files(rec_id, True)
            if v["record"] is not None:
                v["draft"] = None
                self.store.put_version(v)
                return
            self.store.delete_version(rec_id)
            if not self.store.versions_of(v["parent_id"]):
                self.store.delete_parent(v["parent_id"])

    def edit(self, user: str, base: str, rec_id: str) -> Doc:
        v = self.records.owned(user, rec_id)
        if v["record"] is None:
            return self.records.document(base, v, True)
        if v["draft"] is None:
            record = v["record"]
            with self.store.tx():
                v["draft"] = {
                    **{k: record[k] for k in ("metadata", "access", "custom_fields", "pids", "created")},
                    "default_preview": record.get("default_preview"),
                    "updated": now(),
                    "revision_id": record["revision_id"] + 1,
                    "kind": "edit",
                    "files_locked": True,
                }
                self.store.put_version(v)
                for f in self.store.files(rec_id, False):
                    self.store.put_file(rec_id, True, f)
        return self.records.document(base, v, True)

    def publish(self, user: str | None, rec_id: str, *, check_owner: bool = True) -> Doc:
        """Validate and publish the draft of ``rec_id``; returns the version row afterwards.

        Read, validation and write are one transaction, as the server's publish is one unit of
        work (invenio-records-resources: ``services/uow.py``; invenio-drafts-resources:
        ``services/records/service.py`` ``publish``): a file deleted by a concurrent request
        either comes before (and the publish is refused for missing files) or after it."""
        with self.store.tx():
            return self._publish(user, rec_id, check_owner)

    def _publish(self, user: str | None, rec_id: str, check_owner: bool) -> Doc:
        v = self.records.with_draft(user, rec_id) if check_owner else self.records.version(rec_id)
        if v["draft"] is None:
            raise HttpError(404, NOT_FOUND)
        draft = v["draft"]
        errors = self.records.publish_errors(v)
        if errors:
            raise HttpError(400, VALIDATION, errors)
        files = self.store.files(rec_id, True)
        with self.store.tx():
            pids = dict(draft["pids"])
            pids.setdefault(
                "doi",
                {"identifier": f"{DOI_PREFIX}/zenodo.{rec_id}", "provider": "datacite", "client": "datacite"},
            )
            pids["oai"] = {"identifier": f"oai:zenodo.org:{rec_id}", "provider": "oai"}
            parent = self.store.get_parent(v["parent_id"]) or {"owner": v["owner"], "communities": []}
            parent.setdefault("pids", {}).setdefault(
                "doi",
                {
                    "identifier": f"{DOI_PREFIX}/zenodo.{v['parent_id']}",
                    "provider": "datacite",
                    "client": "datacite",
                },
            )
            parent.pop("review", None)
            self.store.put_parent(v["parent_id"], v["owner"], parent)
            previous = v["record"] or {}
            v["record"] = {
                "metadata": draft["metadata"],
                "access": draft["access"],
                "custom_fields": draft.get("custom_fields", {}),
                "pids": pids,
                "default_preview": draft.get("default_preview"),
                "created": previous.get("created", draft["created"]),
                "updated": now(),
                "revision_id": max(previous.get("revision_id", 0), draft["revision_id"]) + 1,
            }
            v["draft"] = None
            self.store.put_version(v)
            self.store.delete_files(rec_id, False)
            for f in files:
                self.store.put_file(rec_id, False, f)
            self.store.delete_files(rec_id, True)
        return v

    def new_version(self, user: str, base: str, rec_id: str) -> Doc:
        v = self.records.owned(user, rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        siblings = self.store.versions_of(v["parent_id"])
        pending = [s for s in siblings if s["record"] is None and s["draft"] is not None]
        # an existing next draft is handed back: invenio-drafts-resources services/records/service.py
        if pending:
            return self.records.document(base, pending[0], True)
        latest = max((s for s in siblings if s["record"] is not None), key=lambda s: s["idx"])["record"]
        metadata = {k: val for k, val in latest["metadata"].items() if k != "version"}
        metadata["publication_date"] = dt.date.today().isoformat()
        with self.store.tx():
            new = {
                "id": str(self.store.next_id()),
                "parent_id": v["parent_id"],
                "owner": user,
                "idx": max(s["idx"] for s in siblings) + 1,
                "record": None,
                "draft": {
                    "metadata": metadata,
                    "access": latest["access"],
                    "custom_fields": latest.get("custom_fields", {}),
                    "pids": {},
                    "created": now(),
                    "updated": now(),
                    "revision_id": 1,
                    "kind": "new_version",
                },
            }
            self.store.put_version(new)
        return self.records.document(base, new, True)

    def reserve_doi(self, user: str, base: str, rec_id: str, reserve: bool) -> Doc:
        v = self.records.with_draft(user, rec_id)
        if v["record"] is not None and reserve:
            raise HttpError(400, "Record already has a DOI.")
        if reserve:
            doi = {
                "identifier": f"{DOI_PREFIX}/zenodo.{rec_id}",
                "provider": "datacite",
                "client": "datacite",
            }
            v["draft"]["pids"].setdefault("doi", doi)
        else:
            v["draft"]["pids"].pop("doi", None)
        v["draft"]["revision_id"] += 1
        self.store.put_version(v)
        return self.records.document(base, v, True)
