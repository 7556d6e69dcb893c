"""Community requests: reviews of drafts, inclusions of published records, curators' decisions."""

from __future__ import annotations

import uuid
from typing import Any

from zenodeploy.emulator.communities import Communities
from zenodeploy.emulator.drafts import Drafts
from zenodeploy.emulator.records import Records, now
from zenodeploy.emulator.replies import VALIDATION, HttpError, forbidden
from zenodeploy.emulator.store import Doc


class CommunityRequests:
    """The requests that put records into communities, as InvenioRDM names them:
    ``community-submission`` (a draft's review, ``PUT …/draft/review`` then
    ``POST …/draft/actions/submit-review``) and ``community-inclusion``
    (``POST /api/records/{id}/communities`` for a published record).

    Requests are accepted at once when the submitter may include directly (invenio-communities
    permissions.py ``can_include_directly`` = generators.py ``ReviewPolicy``: ``closed`` nobody,
    ``open`` curators (curator, manager, owner), ``members`` any member) and did not ask for a
    review; otherwise they wait for a curator, whom the admin endpoints
    ``/api/_emulator/requests/{id}/accept|decline`` (or ``Emulator.accept_request``) stand in for.
    """

    def __init__(self, records: Records, drafts: Drafts, communities: Communities) -> None:
        self.records = records
        self.drafts = drafts
        self.communities = communities
        self.store = records.store

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

    def set_review(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        """``PUT …/draft/review`` (invenio-rdm-records services/review/service.py ``update`` →
        ``create``): published → 400, new version → 400, type checked, then the receiver
        resolved by UUID (a slug is 404 "Not found.")."""
        v = self.records.with_draft(user, rec_id)
        if v["record"] is not None:
            raise HttpError(400, "You cannot create a review for an already published record.")
        if v["idx"] > 1:
            raise HttpError(400, "You cannot create a review for a new version of a published record.")
        body = body if isinstance(body, dict) else {}
        if body.get("type") != "community-submission":
            raise HttpError(400, VALIDATION, [("type", "Invalid review type.")])
        receiver = body.get("receiver") if isinstance(body.get("receiver"), dict) else {}
        community = self.communities.resolve_uuid(receiver.get("community"))
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
        v = self.records.with_draft(user, rec_id)
        req = self.store.get_request(v["draft"].get("review") or "")
        if req is None:
            raise HttpError(404, "No review exists for this draft.")
        return self.request_json(base, req)

    def delete_review(self, user: str, rec_id: str) -> None:
        v = self.records.with_draft(user, rec_id)
        if v["draft"].get("review_status") == "submitted":
            raise HttpError(400, "You cannot delete a review that is open; cancel it first.")
        with self.store.tx():
            v["draft"].pop("review", None)
            v["draft"].pop("review_status", None)
            self.store.put_version(v)

    def submit_review(self, user: str, base: str, rec_id: str, body: Any = None) -> Doc:
        """``POST …/draft/actions/submit-review`` (invenio-rdm-records services/review/service.py
        ``submit``, community_inclusion/service.py ``include``): refused with 403 when the
        submission policy shuts the user out; accepted — and the draft published — at once
        when the user may include directly and ``require_review`` is not true."""
        v = self.records.with_draft(user, rec_id)
        req = self.store.get_request(v["draft"].get("review") or "")
        if req is None:
            raise HttpError(404, "Review for draft not found")
        require_review = body.get("require_review", False) if isinstance(body, dict) else False
        if not isinstance(require_review, bool):
            raise HttpError(400, VALIDATION, [("require_review", "Must be a boolean, true or false")])
        community = self.communities.resolve_uuid(req["receiver"]["community"])
        if not self.communities.can_submit(user, community):
            raise HttpError(403, "Submission to this community is only allowed to community members.")
        errors = self.records.publish_errors(v)
        if errors:
            raise HttpError(400, VALIDATION, errors)
        with self.store.tx():
            req.update(status="submitted", updated=now())
            self.store.put_request(req)
            v["draft"]["review_status"] = "submitted"
            self.store.put_version(v)
            if not require_review and self.communities.can_include_directly(user, community):
                req = self._accept(req)
        return self.request_json(base, req)

    def include(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        """``POST /api/records/{id}/communities`` (invenio-rdm-records
        services/communities/service.py ``add``): one inclusion request per community (by
        slug or UUID), accepted at once when the user may include directly."""
        v = self.records.owned(user, rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        parent = self.store.get_parent(v["parent_id"]) or {}
        processed: list[Doc] = []
        errors: list[Doc] = []
        for entry in (body or {}).get("communities", []) if isinstance(body, dict) else []:
            wanted = entry.get("id") if isinstance(entry, dict) else None
            community = self.communities.resolve(wanted)
            open_request = community is not None and any(
                r["type"] == "community-inclusion"
                and r["status"] == "submitted"
                and r["topic"]["record"] == rec_id
                and r["receiver"]["community"] == community["id"]
                for r in self.store.all_requests()
            )
            if community is None:
                errors.append({"community_id": wanted, "message": "Community not found."})
            elif community["id"] in parent.get("communities", []):
                errors.append(
                    {"community_id": wanted, "message": "The record is already included in this community."}
                )
            elif open_request:
                errors.append(
                    {
                        "community_id": wanted,
                        "message": "There is already an open inclusion request for this community.",
                    }
                )
            elif not self.communities.can_submit(user, community):
                errors.append(
                    {
                        "community_id": wanted,
                        "message": "Submission to this community is only allowed to community members.",
                    }
                )
            else:
                with self.store.tx():
                    req = self._request("community-inclusion", user, community, rec_id, "submitted")
                    require_review = bool(entry.get("require_review", False))
                    if not require_review and self.communities.can_include_directly(user, community):
                        req = self._accept(req)
                        parent = self.store.get_parent(v["parent_id"]) or {}
                processed.append(
                    {"community_id": wanted, "request_id": req["id"], "request": self.request_json(base, req)}
                )
        if not processed and errors:
            raise HttpError(400, str(errors[0]["message"]))
        return {"processed": processed, "errors": errors}

    def of_record(self, base: str, rec_id: str) -> Doc:
        v = self.records.version(rec_id)
        parent = self.store.get_parent(v["parent_id"]) or {}
        hits = []
        for i in parent.get("communities", []):
            c = self.store.get_community(i)
            if c is not None:
                hits.append(self.communities.json(base, c))
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
        req = self.store.get_request(req_id)
        if req is None:
            raise HttpError(404, "The request does not exist.")
        if req["status"] != "submitted":
            raise HttpError(400, f"The request is {req['status']}; only submitted requests can be decided.")
        with self.store.tx():
            if accept:
                req = self._accept(req)
            else:
                v = self.records.version(req["topic"]["record"])
                if v["draft"] is not None and req["type"] == "community-submission":
                    v["draft"]["review_status"] = "declined"
                    self.store.put_version(v)
                req.update(status="declined", updated=now())
                self.store.put_request(req)
        return self.request_json(base, req)

    def _accept(self, req: Doc) -> Doc:
        """Accept ``req``: a submission publishes the draft; the community joins the parent."""
        rec_id = req["topic"]["record"]
        v = self.records.version(rec_id)
        if req["type"] == "community-submission":
            v = self.drafts.publish(None, rec_id, check_owner=False)
        parent = self.store.get_parent(v["parent_id"]) or {}
        ids = parent.setdefault("communities", [])
        if req["receiver"]["community"] not in ids:
            ids.append(req["receiver"]["community"])
        self.store.put_parent(v["parent_id"], v["owner"], parent)
        req.update(status="accepted", updated=now())
        self.store.put_request(req)
        return req
