"""Communities configured at start, and the requests that put records into them.

Two request types, as InvenioRDM names them: ``community-submission`` (a draft's review,
``PUT …/draft/review`` then ``POST …/draft/actions/submit-review``) and
``community-inclusion`` (``POST /api/records/{id}/communities`` for a published record).
Nobody curates in the emulator, so an admin call (``Emulator.accept_request``) accepts or
declines; accepting a submission publishes the draft into the community.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from zenodeploy.emulator.records import Records, now
from zenodeploy.emulator.replies import VALIDATION, HttpError, forbidden
from zenodeploy.emulator.store import Doc, Store

_NS = uuid.UUID("6f1c2f3e-8a53-4c59-9d59-5e6b0a0c7a11")


class Communities:
    def __init__(self, store: Store, slugs: Sequence[str]) -> None:
        self.store = store
        self.records: Records | None = None  # wired after construction (records need us too)
        self.by_id = {str(uuid.uuid5(_NS, s)): {"id": str(uuid.uuid5(_NS, s)), "slug": s} for s in slugs}

    def resolve(self, id_or_slug: Any) -> Doc | None:
        for c in self.by_id.values():
            if id_or_slug in (c["id"], c["slug"]):
                return c
        return None

    def json(self, base: str, c: Doc) -> Doc:
        return {
            "id": c["id"],
            "slug": c["slug"],
            "metadata": {"title": c["slug"].replace("-", " ").title(), "type": {"id": "project"}},
            "access": {"visibility": "public", "review_policy": "closed", "record_submission_policy": "open"},
            "links": {
                "self": f"{base}/api/communities/{c['id']}",
                "self_html": f"{base}/communities/{c['slug']}",
            },
        }

    def entries(self, parent: Doc) -> list[Doc]:
        return [
            {**self.by_id[i], "metadata": {"title": self.by_id[i]["slug"]}}
            for i in parent.get("communities", [])
            if i in self.by_id
        ]

    def request_json(self, base: str, req: Doc) -> Doc:
        return {
            **req,
            "is_open": req["status"] == "submitted",
            "is_closed": req["status"] in ("accepted", "declined", "cancelled"),
            "links": {
                "self": f"{base}/api/requests/{req['id']}",
                "self_html": f"{base}/me/requests/{req['id']}",
                "actions": {},
            },
        }

    def _request(self, kind: str, user: str, community: Doc, rec_id: str, status: str) -> Doc:
        req = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "title": "",
            "status": status,
            "receiver": {"community": community["id"]},
            "topic": {"record": rec_id},
            "created_by": {"user": user},
            "created": now(),
            "updated": now(),
            "revision_id": 1,
        }
        self.store.put_request(req)
        return req

    def _records(self) -> Records:
        assert self.records is not None
        return self.records

    def set_review(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        v = self._records().with_draft(user, rec_id)
        if v["record"] is not None:
            raise HttpError(400, "You cannot create a review for an already published record.")
        receiver = (body or {}).get("receiver", {}) if isinstance(body, dict) else {}
        community = self.resolve(receiver.get("community"))
        if community is None or (body or {}).get("type") != "community-submission":
            raise HttpError(400, VALIDATION, [("receiver", "Community not found or invalid request type.")])
        with self.store.tx():
            req = self._request("community-submission", user, community, rec_id, "created")
            v["draft"]["review_status"] = "created"
            v["draft"]["review"] = req["id"]
            self.store.put_version(v)
            parent = self.store.get_parent(v["parent_id"]) or {}
            parent["review"] = req["id"]
            self.store.put_parent(v["parent_id"], v["owner"], parent)
        return self.request_json(base, req)

    def get_review(self, user: str, base: str, rec_id: str) -> Doc:
        v = self._records().with_draft(user, rec_id)
        req = self.store.get_request(v["draft"].get("review") or "")
        if req is None:
            raise HttpError(404, "No review exists for this draft.")
        return self.request_json(base, req)

    def delete_review(self, user: str, rec_id: str) -> None:
        v = self._records().with_draft(user, rec_id)
        if v["draft"].get("review_status") == "submitted":
            raise HttpError(400, "You cannot delete a review that is open; cancel it first.")
        with self.store.tx():
            v["draft"].pop("review", None)
            v["draft"].pop("review_status", None)
            self.store.put_version(v)

    def submit_review(self, user: str, base: str, rec_id: str) -> Doc:
        records = self._records()
        v = records.with_draft(user, rec_id)
        req = self.store.get_request(v["draft"].get("review") or "")
        if req is None:
            raise HttpError(400, "The draft has no review request; create one with PUT …/draft/review first.")
        errors = records.publish_errors(v)
        if errors:
            raise HttpError(400, VALIDATION, errors)
        with self.store.tx():
            req.update(status="submitted", updated=now())
            self.store.put_request(req)
            v["draft"]["review_status"] = "submitted"
            self.store.put_version(v)
        return self.request_json(base, req)

    def include(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        v = self._records().owned(user, rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        parent = self.store.get_parent(v["parent_id"]) or {}
        processed, errors = [], []
        for entry in (body or {}).get("communities", []) if isinstance(body, dict) else []:
            wanted = entry.get("id") if isinstance(entry, dict) else None
            community = self.resolve(wanted)
            if community is None:
                errors.append({"community": wanted, "message": "Community not found."})
            elif community["id"] in parent.get("communities", []):
                errors.append(
                    {"community": wanted, "message": "The record is already included in this community."}
                )
            else:
                req = self._request("community-inclusion", user, community, rec_id, "submitted")
                processed.append(
                    {
                        "community_id": community["id"],
                        "request_id": req["id"],
                        "request": self.request_json(base, req),
                    }
                )
        if not processed and errors:
            raise HttpError(400, str(errors[0]["message"]))
        return {"processed": processed, "errors": errors}

    def of_record(self, base: str, rec_id: str) -> Doc:
        v = self._records().version(rec_id)
        parent = self.store.get_parent(v["parent_id"]) or {}
        hits = [self.json(base, self.by_id[i]) for i in parent.get("communities", []) if i in self.by_id]
        return {"hits": {"hits": hits, "total": len(hits)}}

    def read_request(self, user: str | None, base: str, req_id: str) -> Doc:
        req = self.store.get_request(req_id)
        if req is None:
            raise HttpError(404, "The request does not exist.")
        if req["created_by"]["user"] != user:
            raise forbidden()
        return self.request_json(base, req)

    def decide(self, base: str, req_id: str, accept: bool) -> Doc:
        """Accept or decline an open request (the admin stands in for the community curator)."""
        records = self._records()
        req = self.store.get_request(req_id)
        if req is None:
            raise HttpError(404, "The request does not exist.")
        if req["status"] != "submitted":
            raise HttpError(400, f"The request is {req['status']}; only submitted requests can be decided.")
        rec_id = req["topic"]["record"]
        with self.store.tx():
            v = records.version(rec_id)
            if accept and req["type"] == "community-submission":
                v = records.publish(None, rec_id, check_owner=False)
            elif not accept and v["draft"] is not None and req["type"] == "community-submission":
                v["draft"]["review_status"] = "declined"
                self.store.put_version(v)
            if accept:
                parent = self.store.get_parent(v["parent_id"]) or {}
                ids = parent.setdefault("communities", [])
                if req["receiver"]["community"] not in ids:
                    ids.append(req["receiver"]["community"])
                self.store.put_parent(v["parent_id"], v["owner"], parent)
            req.update(status="accepted" if accept else "declined", updated=now())
            self.store.put_request(req)
        return self.request_json(base, req)
