"""Read the remote state of each deposition: GET requests only.

Identity: the manifest's ``record:`` pin, then the lock file, then a search of
the account's own drafts and records by exact title; a search match is adopted only when
it is unambiguous (one concept), otherwise the run stops and says how to pin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from zenodeploy.errors import ConflictError, LocatedError
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.lock import Lock, LockEntry
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound

State = Literal["draft", "published", "edit-pending"]
_ZENODO_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?10\.\d+/zenodo\.(\d+)$", re.I)


@dataclass(frozen=True, slots=True)
class RemoteFile:
    key: str
    size: int
    md5: str


@dataclass(frozen=True, slots=True)
class Remote:
    """One deposition's remote side.

    ``doc`` is what the manifest is compared with: the open draft when there is one (a never
    published draft, or the edit draft of a published record), else the published record.
    ``published`` is the latest published version, ``pending`` an open new-version draft.
    """

    record_id: str
    parent_id: str | None
    state: State
    doc: Mapping[str, Any]
    files: Mapping[str, RemoteFile]
    published: Mapping[str, Any] | None = None
    published_files: Mapping[str, RemoteFile] = field(default_factory=dict)
    pending: Mapping[str, Any] | None = None
    pending_files: Mapping[str, RemoteFile] = field(default_factory=dict)
    # Community slug → state of its request: accepted, submitted (open), declined, created…
    communities: Mapping[str, str] = field(default_factory=dict)
    requests: tuple[tuple[str, str], ...] = ()  # inclusion requests made by earlier runs (lock)

    @property
    def doi(self) -> str | None:
        source = self.published or self.doc
        value = (source.get("pids") or {}).get("doi", {}).get("identifier")
        return str(value) if value else None

    @property
    def concept_doi(self) -> str | None:
        source = self.published or self.doc
        value = ((source.get("parent") or {}).get("pids") or {}).get("doi", {}).get("identifier")
        return str(value) if value else None

    @property
    def url(self) -> str | None:
        links = (self.pending or self.doc).get("links") or {}
        value = links.get("self_html") or links.get("html")
        return str(value) if value else None

    def lock_entry(self) -> LockEntry:
        return LockEntry(
            record_id=self.record_id,
            parent_id=self.parent_id,
            doi=self.doi,
            concept_doi=self.concept_doi,
            pending_id=str(self.pending["id"]) if self.pending else None,
            requests=self.requests,
        )


@dataclass(frozen=True, slots=True)
class Observation:
    key: str
    remote: Remote | None
    found_by: Literal["pin", "lock", "search", "none"]


def files_of(doc: Mapping[str, Any]) -> dict[str, RemoteFile]:
    """Completed files of a record or draft document (``files.entries`` as a map or a list)."""
    entries = (doc.get("files") or {}).get("entries") or {}
    items = entries.values() if isinstance(entries, Mapping) else entries
    out = {}
    for e in items:
        if e.get("status", "completed") == "completed":
            checksum = str(e.get("checksum") or "")
            out[str(e["key"])] = RemoteFile(
                str(e["key"]), int(e.get("size") or 0), checksum.removeprefix("md5:")
            )
    return out


def observe(client: ZenodoClient, desired: DesiredDeposition, lock: Lock, server: str) -> Observation:
    """Find and read the record ``desired`` manages (GET only)."""
    entry = lock.get(server, desired.key)
    if desired.pin:
        where = f"{desired.source_path}.record"
        pinned = read(client, _pin_to_id(client, desired.pin, server, where), None)
        if pinned is None:
            raise LocatedError(_no_record(desired.pin, server, client), where)
        found: Observation = Observation(desired.key, pinned, "pin")
    elif entry is not None and (remote := read(client, entry.record_id, entry.pending_id)) is not None:
        found = Observation(desired.key, remote, "lock")
    else:
        remote = _search(client, desired)
        found = Observation(desired.key, remote, "search" if remote else "none")
    if found.remote is None or not desired.communities:
        return found
    requests = entry.requests if entry is not None else ()
    states = community_states(client, found.remote, desired.communities, requests)
    return replace(found, remote=replace(found.remote, communities=states, requests=requests))


def community_states(
    client: ZenodoClient, remote: Remote, wanted: tuple[str, ...], requests: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    """Where each wanted community stands: included (accepted), or the state of its request.

    Costs no request when every community already includes the record; otherwise one GET per
    open request (the draft's review, and inclusion requests recorded in the lock).
    """
    states: dict[str, str] = {}
    for doc in (remote.published, remote.doc):
        for c in ((doc or {}).get("parent") or {}).get("communities", {}).get("entries") or []:
            for name in (c.get("slug"), c.get("id")):
                if name in wanted:
                    states[str(name)] = "accepted"
    missing = [c for c in wanted if c not in states]
    if not missing:
        return states
    review = ((remote.doc.get("parent") or {}).get("review") or {}).get("id")
    asked = dict(requests)
    if review and not remote.published:
        asked.setdefault(_review_community(client, str(review), missing), str(review))
    for slug, request_id in asked.items():
        if slug in missing:
            request = _get(client.get_request, request_id)
            states[slug] = str(request.get("status", "unknown")) if request else "unknown"
    return states


def _review_community(client: ZenodoClient, request_id: str, candidates: list[str]) -> str:
    """The slug of the community a review request is addressed to (requests name communities by id)."""
    request = _get(client.get_request, request_id) or {}
    receiver = str((request.get("receiver") or {}).get("community", ""))
    for slug in candidates:
        if receiver == slug or str((_get(client.get_community, slug) or {}).get("id")) == receiver:
            return slug
    return receiver


def read(client: ZenodoClient, record_id: str, pending_id: str | None, *, _hops: int = 0) -> Remote | None:
    """Read a record or draft and, for a published record, its open edit draft and pending version.

    A published record that is not its concept's latest version is followed to the latest
    (one extra GET, only then): callers always get the newest published version.
    """
    draft = _get(client.get_draft, record_id)
    if draft is not None and not draft.get("is_published"):
        return Remote(record_id, _parent(draft), "draft", draft, files_of(draft))
    record = _get(client.get_record, record_id)
    if record is None:
        return None
    if (record.get("versions") or {}).get("is_latest") is False and not _depth_exceeded(_hops):
        # A newer version was published elsewhere (the web UI, another runner, or a publish whose
        # answer was lost): the manifest is compared with, and new versions made from, the newest.
        latest = str(client.latest_version(record_id)["id"])
        if latest != record_id:
            return read(client, latest, None if pending_id == latest else pending_id, _hops=_hops + 1)
    pending = _get(client.get_draft, pending_id) if pending_id else None
    if pending is not None and pending.get("is_published"):
        pending = None  # published since, but not the latest: nothing pending any more
    published_files = files_of(record)
    doc, state = (draft, "edit-pending") if draft is not None else (record, "published")
    return Remote(
        record_id,
        _parent(record),
        state,  # type: ignore[arg-type]
        doc,
        files_of(doc) if draft is None else published_files,  # files are locked on an edit draft
        published=record,
        published_files=published_files,
        pending=pending,
        pending_files=files_of(pending) if pending else {},
    )


def _depth_exceeded(hops: int) -> bool:
    return hops >= 2  # the latest of the latest is itself; more hops mean the server disagrees with itself


def _get(call: Any, record_id: str) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = call(record_id)
    except NotFound:
        return None
    return result


def _parent(doc: Mapping[str, Any]) -> str | None:
    parent = (doc.get("parent") or {}).get("id")
    return str(parent) if parent else None


def _no_record(pin: str, server: str, client: ZenodoClient) -> str:
    return (
        f"the pin {pin!r} for server '{server}' names no record of yours on {client.base_url}; correct "
        f"the pin for '{server}' (a sandbox id is not a zenodo.org id), or remove it to let the lock file "
        "or a title search find the record."
    )


def _pin_to_id(client: ZenodoClient, pin: str, server: str, where: str) -> str:
    """A record id from a pin: a record id, a Zenodo DOI (…/zenodo.N) or a concept id (its latest version)."""
    match = _ZENODO_DOI.match(pin.strip())
    record_id = match[1] if match else pin.strip()
    if not record_id.isdigit():
        raise LocatedError(
            f"'{pin}' is neither a record id nor a Zenodo DOI; pin the numeric record id instead.", where
        )
    if _get(client.get_record, record_id) is None and _get(client.get_draft, record_id) is None:
        hits = list(client.search_user_records(f'parent.id:"{record_id}"'))
        published = [h for h in hits if h.get("is_published")]
        if not published:
            raise LocatedError(_no_record(pin, server, client), where)
        record_id = str(max(published, key=lambda h: (h.get("versions") or {}).get("index", 0))["id"])
    return record_id


def _search(client: ZenodoClient, desired: DesiredDeposition) -> Remote | None:
    """Adopt the account's record with exactly this title, if it is one concept; else stop."""
    title = str(desired.record["metadata"].get("title", ""))
    if not title:
        return None
    query = 'metadata.title:"{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"'))
    hits = [h for h in client.search_user_records(query) if (h.get("metadata") or {}).get("title") == title]
    concepts: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        concepts.setdefault(_parent(hit) or str(hit["id"]), []).append(hit)
    if not concepts:
        return None
    if len(concepts) > 1:
        ids = ", ".join(sorted(str(h["id"]) for group in concepts.values() for h in group))
        raise ConflictError(
            f"'{desired.key}': {len(concepts)} of your records are titled {title!r} (ids {ids}). "
            f"Pin the right one with record: <id> under {desired.source_path}, or run 'zenodeploy import MANIFEST {desired.key} <id>'."
        )
    group = next(iter(concepts.values()))
    published = [h for h in group if h.get("is_published")]
    drafts = [h for h in group if not h.get("is_published")]
    if published:
        latest = max(published, key=lambda h: (h.get("versions") or {}).get("index", 0))
        pending = [d for d in drafts if str(d["id"]) != str(latest["id"])]
        return read(client, str(latest["id"]), str(pending[0]["id"]) if pending else None)
    return read(client, str(drafts[0]["id"]), None)
