"""The community directory: community specs, lookup by UUID or slug, JSON, who may submit or include.

A community has a UUID ``id`` and a ``slug``, ``access`` policies and members
(user → role: owner, manager, curator, reader). Communities are created at start
(``start(communities=...)``, ``zenodeploy emulator --community SLUG[:POLICY]``) or with
``POST /api/_emulator/communities``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from zenodeploy.emulator import search
from zenodeploy.emulator.records import now
from zenodeploy.emulator.replies import NOT_FOUND, PID_MISSING, HttpError
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
