"""Communities, and the requests that put records into them.

Two request types, as InvenioRDM names them: ``community-submission`` (a draft's review,
``PUT …/draft/review`` then ``POST …/draft/actions/submit-review``) and
``community-inclusion`` (``POST /api/records/{id}/communities`` for a published record).

A community has a UUID ``id`` and a ``slug``, ``access`` policies and members
(user → role: owner, manager, curator, reader). Requests are accepted at once when the
submitter may include directly (invenio-communities permissions.py ``can_include_directly``
= generators.py ``ReviewPolicy``: ``closed`` nobody, ``open`` curators (curator, manager,
owner), ``members`` any member) and did not ask for a review; otherwise they wait for a
curator, whom the admin endpoints ``/api/_emulator/requests/{id}/accept|decline`` (or
``Emulator.accept_request``) stand in for. Communities are created at start
(``start(communities=...)``, ``zenodeploy emulator --community SLUG[:POLICY]``) or with
``POST /api/_emulator/communities``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from zenodeploy.emulator import search
from zenodeploy.emulator.drafts import Drafts
from zenodeploy.emulator.records import Records, now
from zenodeploy.emulator.replies import NOT_FOUND, PID_MISSING, VALIDATION, HttpError, forbidden
from zenodeploy.emulator.store import Doc, Store

_NS = uuid.UUID("6f1c2f3e-8a53-4c59-9d59-5e6b0a0c7a11")
POLICIES = ("open", "closed", "members")
ROLES = ("owner", "manager", "curator", "reader")
CURATORS = ("owner", "manager", "curator")
CommunitySpec = str | Mapping[str, Any]


def parse_spec(spec: CommunitySpec) -> Doc:
    """``"slug"``, ``"slug:open"`` (a review policy) or a mapping → the community's settings.

    Mapping keys: ``slug`` (required), ``title``, ``review_policy``,
    ``record_submission_policy``, ``visibility``, ``members`` (user → role).
    """
    if isinstance(spec, str):
        slug, _, policy = spec.partition(":")
        data: dict[str, Any] = {"slug": slug, **({"review_policy": policy} if policy else {})}
    else:
        data = dict(spec)
    slug = str(data.get("slug") or "").strip()
    if not slug:
        raise ValueError("a community needs a slug")
    access = dict(data.get("access") or {})
    for key in ("review_policy", "record_submission_policy", "visibility"):
        if key in data:
            access[key] = data[key]
    access.setdefault("review_policy", "closed")  # invenio-communities systemfields/access.py default
    access.setdefault("record_submission_policy", "open")
    access.setdefault("visibility", "public")
    if access["review_policy"] not in POLICIES:
        raise ValueError(f"review_policy must be one of {', '.join(POLICIES)}")
    if access["record_submission_policy"] not in ("open", "closed"):
        raise ValueError("record_submission_policy must be open or closed")
    if access["visibility"] not in ("public", "restricted"):
        raise ValueError("visibility must be public or restricted")
    members = {str(k): str(v) for k, v in dict(data.get("members") or {}).items()}
    if any(role not in ROLES for role in members.values()):
        raise ValueError(f"member roles are {', '.join(ROLES)}")
    return {
        "slug": slug,
        "title": str(data.get("title") or slug.replace("-", " ").title()),
        "access": access,
        "members": members,
    }


class Communities:
    def __init__(self, store: Store, specs: Iterable[CommunitySpec]) -> None:
        self.store = store
        self.records: Records | None = None  # wired after construction (records need us too)
        self.drafts: Drafts | None = None
        for spec in specs:
            self.define(spec, replace=False)

    def define(self, spec: CommunitySpec, *, replace: bool = True) -> Doc:
        """Create the community of ``spec`` (or, with ``replace``, update its settings)."""
        data = parse_spec(spec)
        existing = self.store.get_community(data["slug"])
        if existing is not None and not replace:
            return existing
        c = existing or {
            "id": str(uuid.uuid5(_NS, data["slug"])),
            "slug": data["slug"],
            "created": now(),
            "revision_id": 0,
        }
        c.update(
            metadata={"title": data["title"], "type": {"id": "project"}},
            access={"member_policy": "closed", "members_visibility": "public", **data["access"]},
            members=data["members"],
            updated=now(),
            revision_id=c["revision_id"] + 1,
        )
        self.store.put_community(c)
        return c

    def resolve(self, id_or_slug: Any) -> Doc | None:
        """By UUID or slug, as GET /api/communities/{id} does (invenio-communities
        communities/records/systemfields/pidslug.py ``resolve``)."""
        if not isinstance(id_or_slug, str) or not id_or_slug:
            return None
        return self.store.get_community(id_or_slug)

    def resolve_uuid(self, value: Any) -> Doc:
        """A request receiver ``{"community": <UUID>}``: the entity resolver reads the row by
        primary key (invenio-communities communities/entity_resolvers.py CommunityPKProxy,
        invenio-records-resources references/entity_resolvers/records.py RecordPKProxy): a
        slug is no UUID (StatementError) → NoResultFound, like an unknown UUID → 404 "Not found."."""
        try:
            key = str(uuid.UUID(str(value)))
        except ValueError:
            raise HttpError(404, NOT_FOUND) from None
        c = self.store.get_community(key)
        if c is None or c["id"] != key:
            raise HttpError(404, NOT_FOUND)
        return c

    def read(self, id_or_slug: str) -> Doc:
        c = self.resolve(id_or_slug)
        if c is None:  # PIDDoesNotExistError (invenio-records-resources resources/errors.py)
            raise HttpError(404, PID_MISSING)
        return c

    def json(self, base: str, c: Doc) -> Doc:
        return {
            "id": c["id"],
            "slug": c["slug"],
            "created": c["created"],
            "updated": c["updated"],
            "revision_id": c["revision_id"],
            "metadata": c["metadata"],
            "access": c["access"],
            "links": {
                "self": f"{base}/api/communities/{c['id']}",
                "self_html": f"{base}/communities/{c['slug']}",
            },
        }

    def search(self, base: str, args: Mapping[str, str]) -> Doc:
        """``GET /api/communities``: ``q`` (``slug:x``, ``id:x``, words in the title), paged."""
        page, size, _ = search.page_params({k: v for k, v in args.items() if k != "sort"}, "newest")
        match = search.matcher(args.get("q", ""))
        hits = [self.json(base, c) for c in self.store.all_communities()]
        hits = [h for h in hits if match({**h, "title": h["metadata"]["title"]})]
        total = len(hits)
        return {
            "hits": {"hits": hits[(page - 1) * size : page * size], "total": total},
            "links": {"self": f"{base}/api/communities?page={page}&size={size}"},
            "sortBy": "bestmatch" if args.get("q") else "newest",
        }

    def entries(self, parent: Doc) -> list[Doc]:
        out = []
        for i in parent.get("communities", []):
            c = self.store.get_community(i)
            if c is not None:
                out.append(
                    {"id": c["id"], "slug": c["slug"], "metadata": c["metadata"], "access": c["access"]}
                )
        return out

    def can_submit(self, user: str, c: Doc) -> bool:
        """invenio-communities permissions.py ``can_submit_record``: members only when the
        submission policy is closed or the community restricted, else any user."""
        access = c["access"]
        if access["record_submission_policy"] == "closed" or access["visibility"] == "restricted":
            return user in c["members"]
        return True

    def can_include_directly(self, user: str, c: Doc) -> bool:
        """invenio-communities permissions.py ``can_include_directly`` (generators.py ReviewPolicy)."""
        role = c["members"].get(user)
        policy = c["access"]["review_policy"]
        if policy == "open":
            return role in CURATORS
        if policy == "members":
            return role is not None
        return False

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
        """``PUT …/draft/review`` (invenio-rdm-records services/review/service.py ``update`` →
        ``create``): published → 400, new version → 400, type checked, then the receiver
        resolved by UUID (a slug is 404 "Not found.")."""
        v = self._records().with_draft(user, rec_id)
        if v["record"] is not None:
            raise HttpError(400, "You cannot create a review for an already published record.")
        if v["idx"] > 1:
            raise HttpError(400, "You cannot create a review for a new version of a published record.")
        body = body if isinstance(body, dict) else {}
        if body.get("type") != "community-submission":
            raise HttpError(400, VALIDATION, [("type", "Invalid review type.")])
        receiver = body.get("receiver") if isinstance(body.get("receiver"), dict) else {}
        community = self.resolve_uuid(receiver.get("community"))
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

    def submit_review(self, user: str, base: str, rec_id: str, body: Any = None) -> Doc:
        """``POST …/draft/actions/submit-review`` (invenio-rdm-records services/review/service.py
        ``submit``, community_inclusion/service.py ``include``): refused with 403 when the
        submission policy shuts the user out; accepted — and the draft published — at once
        when the user may include directly and ``require_review`` is not true."""
        records = self._records()
        v = records.with_draft(user, rec_id)
        req = self.store.get_request(v["draft"].get("review") or "")
        if req is None:
            raise HttpError(404, "Review for draft not found")
        require_review = body.get("require_review", False) if isinstance(body, dict) else False
        if not isinstance(require_review, bool):
            raise HttpError(400, VALIDATION, [("require_review", "Must be a boolean, true or false")])
        community = self.resolve_uuid(req["receiver"]["community"])
        if not self.can_submit(user, community):
            raise HttpError(403, "Submission to this community is only allowed to community members.")
        errors = records.publish_errors(v)
        if errors:
            raise HttpError(400, VALIDATION, errors)
        with self.store.tx():
            req.update(status="submitted", updated=now())
            self.store.put_request(req)
            v["draft"]["review_status"] = "submitted"
            self.store.put_version(v)
            if not require_review and self.can_include_directly(user, community):
                req = self._accept(req)
        return self.request_json(base, req)

    def include(self, user: str, base: str, rec_id: str, body: Any) -> Doc:
        """``POST /api/records/{id}/communities`` (invenio-rdm-records
        services/communities/service.py ``add``): one inclusion request per community (by
        slug or UUID), accepted at once when the user may include directly."""
        v = self._records().owned(user, rec_id)
        if v["record"] is None:
            raise HttpError(404, "The persistent identifier is not registered.")
        parent = self.store.get_parent(v["parent_id"]) or {}
        processed: list[Doc] = []
        errors: list[Doc] = []
        for entry in (body or {}).get("communities", []) if isinstance(body, dict) else []:
            wanted = entry.get("id") if isinstance(entry, dict) else None
            community = self.resolve(wanted)
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
            elif not self.can_submit(user, community):
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
                    if not require_review and self.can_include_directly(user, community):
                        req = self._accept(req)
                        parent = self.store.get_parent(v["parent_id"]) or {}
                processed.append(
                    {"community_id": wanted, "request_id": req["id"], "request": self.request_json(base, req)}
                )
        if not processed and errors:
            raise HttpError(400, str(errors[0]["message"]))
        return {"processed": processed, "errors": errors}

    def of_record(self, base: str, rec_id: str) -> Doc:
        v = self._records().version(rec_id)
        parent = self.store.get_parent(v["parent_id"]) or {}
        hits = []
        for i in parent.get("communities", []):
            c = self.store.get_community(i)
            if c is not None:
                hits.append(self.json(base, c))
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
                v = self._records().version(req["topic"]["record"])
                if v["draft"] is not None and req["type"] == "community-submission":
                    v["draft"]["review_status"] = "declined"
                    self.store.put_version(v)
                req.update(status="declined", updated=now())
                self.store.put_request(req)
        return self.request_json(base, req)

    def _accept(self, req: Doc) -> Doc:
        """Accept ``req``: a submission publishes the draft; the community joins the parent."""
        records = self._records()
        rec_id = req["topic"]["record"]
        v = records.version(rec_id)
        if req["type"] == "community-submission":
            assert self.drafts is not None
            v = self.drafts.publish(None, rec_id, check_owner=False)
        parent = self.store.get_parent(v["parent_id"]) or {}
        ids = parent.setdefault("communities", [])
        if req["receiver"]["community"] not in ids:
            ids.append(req["receiver"]["community"])
        self.store.put_parent(v["parent_id"], v["owner"], parent)
        req.update(status="accepted", updated=now())
        self.store.put_request(req)
        return req
