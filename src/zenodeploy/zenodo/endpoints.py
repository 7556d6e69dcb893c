"""The InvenioRDM endpoints zenodeploy uses, as methods returning parsed JSON.

Non-idempotent calls that can be verified are: on :class:`OutcomeUnknown` they re-read the
remote state and return it when it shows the call took effect; otherwise the error stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote

from zenodeploy.errors import ApiError
from zenodeploy.zenodo.failures import NotFound, OutcomeUnknown

log = logging.getLogger(__name__)

JSON = dict[str, Any]


def quote_id(value: str | int) -> str:
    """A record, request or community id as one path segment (``/`` and all else escaped)."""
    return quote(str(value), safe="")


def json_object(value: Any, what: str) -> JSON:
    """``value`` when it is a JSON object; an :class:`ApiError` naming ``what`` otherwise."""
    if not isinstance(value, dict):
        raise ApiError(
            f"The server answered {what} with {type(value).__name__}, not a JSON object; check the server URL."
        )
    return value


class Transport(Protocol):
    """What the endpoints send requests through (:class:`~zenodeploy.zenodo.transport.HttpTransport`).

    ``request`` sends one logical request (several attempts when safe) and returns the parsed
    JSON (None for an empty body); ``data`` may be a callable building a fresh body per attempt;
    non-idempotent failures with an unknown outcome say the server may have ``unknown_outcome``."""

    base_url: str

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        json: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool,
        unknown_outcome: str = "created or changed something",
        raw: bool = False,
        sink: Callable[[Iterable[bytes]], Any] | None = None,
    ) -> Any: ...


class EndpointBase:
    """What endpoint methods build on: a :class:`Transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> JSON:
        return json_object(self.transport.request("GET", path, params=params, idempotent=True), f"GET {path}")

    def _verified(self, error: OutcomeUnknown, check: Callable[[], JSON | None]) -> JSON:
        """Return what ``check`` reads when it shows the failed call took effect; else re-raise."""
        try:
            found = check()
        except ApiError:
            found = None
        if found is None:
            raise error
        log.info("%s %s failed but had taken effect; continuing", error.method, error.url)
        return found


class Endpoints(EndpointBase):
    """Records, drafts, versions, search, communities and requests."""

    # Records and drafts -------------------------------------------------------------------

    def create_draft(self, record: Mapping[str, Any]) -> JSON:
        """POST /api/records. Never repeated: after an unknown outcome the caller re-observes
        (lock file, then a search of the account's drafts) instead of risking a duplicate."""
        result = self.transport.request(
            "POST", "/api/records", json=dict(record), idempotent=False, unknown_outcome="created a draft"
        )
        return json_object(result, "create")

    def get_draft(self, record_id: str) -> JSON:
        return self._get(f"/api/records/{quote_id(record_id)}/draft")

    def get_record(self, record_id: str) -> JSON:
        return self._get(f"/api/records/{quote_id(record_id)}")

    def update_draft(self, record_id: str, record: Mapping[str, Any]) -> JSON:
        """PUT /api/records/{id}/draft: a full replace, so send complete metadata."""
        path = f"/api/records/{quote_id(record_id)}/draft"
        return json_object(self.transport.request("PUT", path, json=dict(record), idempotent=True), "update")

    def delete_draft(self, record_id: str) -> None:
        self.transport.request("DELETE", f"/api/records/{quote_id(record_id)}/draft", idempotent=True)

    def edit(self, record_id: str) -> JSON:
        """POST /api/records/{id}/draft: open a published record for editing; verified by reading the draft."""
        path = f"/api/records/{quote_id(record_id)}/draft"
        try:
            return json_object(
                self.transport.request("POST", path, idempotent=False, unknown_outcome="opened an edit"),
                "edit",
            )
        except OutcomeUnknown as error:
            return self._verified(error, lambda: self.get_draft(record_id))

    def publish(self, record_id: str) -> JSON:
        """POST .../draft/actions/publish, never repeated (publish may answer 5xx
        after it succeeded). After a 5xx or lost connection, the record counts as published when
        ``GET /api/records/{id}`` shows it published and its draft is gone; otherwise the
        :class:`OutcomeUnknown` stands and the next apply decides from a fresh observation. A 404
        (no draft) with the record published likewise counts: another run published it."""
        path = f"/api/records/{quote_id(record_id)}/draft/actions/publish"
        try:
            result = self.transport.request(
                "POST", path, idempotent=False, unknown_outcome="published the record"
            )
            return json_object(result, "publish")
        except OutcomeUnknown as error:
            return self._verified(error, lambda: self._published(record_id))
        except NotFound:  # no draft: published meanwhile by another run working on the same record?
            published = self._published(record_id)
            if published is None:
                raise
            return published

    def _published(self, record_id: str) -> JSON | None:
        try:
            record = self.get_record(record_id)
        except NotFound:
            return None
        if record.get("is_published") is False or record.get("status") == "draft":
            return None
        try:
            self.get_draft(record_id)  # an edit of a published record leaves its draft until published
        except NotFound:
            return record
        return None

    def new_version(self, record_id: str) -> JSON:
        """POST /api/records/{id}/versions. Repeated once after an unknown outcome: the server returns
        the pending new-version draft instead of creating another (invenio-drafts-resources: ``services/records/service.py``, ``new_version``)."""
        path = f"/api/records/{quote_id(record_id)}/versions"
        what = "created a new version draft"
        try:
            return json_object(
                self.transport.request("POST", path, idempotent=False, unknown_outcome=what), "new version"
            )
        except OutcomeUnknown:
            return json_object(
                self.transport.request("POST", path, idempotent=False, unknown_outcome=what), "new version"
            )

    def latest_version(self, record_id: str) -> JSON:
        """The newest published version of the record's concept (``GET …/versions/latest``, a redirect)."""
        return self._get(f"/api/records/{quote_id(record_id)}/versions/latest")

    def search_user_records(
        self, q: str | None, *, all_versions: bool = False, size: int = 100
    ) -> Iterator[JSON]:
        """The account's own drafts and records (GET /api/user/records), following every page.

        ``shared_with_me=false``: without it the server adds records other users shared with this
        one (invenio-rdm-records: ``services/config.py``, ``RDMSearchDraftsOptions`` params), and
        identity search could adopt a colleague's record. The search index is eventually
        consistent (OpenSearch refreshes about once a second): a record created seconds ago may
        be missing."""
        params: dict[str, Any] = {"size": size, "shared_with_me": "false"}
        if q:
            params["q"] = q
        if all_versions:
            params["allversions"] = "true"
        return self._paginate("/api/user/records", params)

    def _paginate(self, path: str, params: Mapping[str, Any]) -> Iterator[JSON]:
        page, seen = 1, 0
        while True:
            envelope = self._get(path, {**params, "page": page})
            hits = envelope.get("hits", {})
            items = hits.get("hits", []) if isinstance(hits, dict) else []
            total = hits.get("total", 0) if isinstance(hits, dict) else 0
            total = total.get("value", 0) if isinstance(total, dict) else int(total or 0)
            yield from items
            seen += len(items)
            if not items or seen >= total:
                return
            page += 1

    def check_token(self) -> JSON:
        """A cheap authenticated GET (``/api/user/records?size=1``): InvenioRDM has no ``/api/me``.
        Raises :class:`PermissionDenied` for a missing, wrong or under-scoped token."""
        return self._get("/api/user/records", {"size": 1, "shared_with_me": "false"})

    # Communities and requests -------------------------------------------------------------

    def request_review(self, record_id: str, community_id: str) -> JSON:
        """PUT .../draft/review: ask a community to include the draft on its first publish."""
        body = {"receiver": {"community": community_id}, "type": "community-submission"}
        path = f"/api/records/{quote_id(record_id)}/draft/review"
        return json_object(self.transport.request("PUT", path, json=body, idempotent=True), "review request")

    def submit_review(self, record_id: str, comment: str | None = None) -> JSON:
        """POST .../draft/actions/submit-review; verified by the review no longer being just created."""
        path = f"/api/records/{quote_id(record_id)}/draft/actions/submit-review"
        body = {"payload": {"content": comment, "format": "html"}} if comment else {}
        try:
            return json_object(
                self.transport.request(
                    "POST", path, json=body, idempotent=False, unknown_outcome="submitted the review"
                ),
                "submit review",
            )
        except OutcomeUnknown as error:

            def check() -> JSON | None:
                review = self._get(f"/api/records/{quote_id(record_id)}/draft/review")
                return review if review.get("status") not in (None, "created") else None

            return self._verified(error, check)

    def add_communities(self, record_id: str, community_ids: Sequence[str]) -> JSON:
        """POST /api/records/{id}/communities for a published record (inclusion requests)."""
        body = {"communities": [{"id": c} for c in community_ids]}
        path = f"/api/records/{quote_id(record_id)}/communities"
        result = self.transport.request(
            "POST", path, json=body, idempotent=False, unknown_outcome="requested the inclusion"
        )
        return json_object(result, "add communities")

    def get_request(self, request_id: str) -> JSON:
        return self._get(f"/api/requests/{quote_id(request_id)}")

    def get_community(self, slug: str) -> JSON:
        return self._get(f"/api/communities/{quote_id(slug)}")
