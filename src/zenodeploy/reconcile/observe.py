"""Read the remote state of each deposition: GET requests only.

Identity: the manifest's ``record:`` pin, then the lock file, then a search of
the account's own drafts and records by exact title; a search match is adopted only when
it is unambiguous (one concept), otherwise the run stops and says how to pin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from zenodeploy.errors import ConflictError, LocatedError
from zenodeploy.manifest.metadata import normal_text
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.communities import CommunityIds, get_or_none
from zenodeploy.reconcile.index import Index
from zenodeploy.reconcile.lock import Lock, LockEntry
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound
from zenodeploy.zenodo.records import RecordDoc, RemoteFile

State = Literal["draft", "published", "edit-pending"]
_ZENODO_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?10\.\d+/zenodo\.(\d+)$", re.I)


@dataclass(frozen=True, slots=True)
class Remote:
    """One deposition's remote side.

    ``doc`` is what the manifest is compared with: the open draft when there is one (a never
    published draft, or the edit draft of a published record), else the published record.
    ``published`` is the latest published version, ``pending`` an open new-version draft.
    ``files`` are the files of ``doc`` (of the published record while an edit draft is open:
    an edit draft's files are locked).
    """

    record_id: str
    state: State
    doc: RecordDoc
    files: Mapping[str, RemoteFile]
    published: RecordDoc | None = None
    pending: RecordDoc | None = None
    # Community slug → state of its request: accepted, submitted (open), declined, created…
    communities: Mapping[str, str] = field(default_factory=dict)
    requests: tuple[tuple[str, str], ...] = ()  # inclusion requests made by earlier runs (lock)
    receipts: tuple[tuple[str, str, str], ...] = ()  # fields the server rewrote on the last save (lock)

    @property
    def parent_id(self) -> str | None:
        return (self.published or self.doc).parent_id

    @property
    def doi(self) -> str | None:
        return (self.published or self.doc).doi

    @property
    def concept_doi(self) -> str | None:
        return (self.published or self.doc).concept_doi

    @property
    def url(self) -> str | None:
        return (self.pending or self.doc).html_url

    @property
    def published_files(self) -> Mapping[str, RemoteFile]:
        return self.published.files if self.published else {}

    @property
    def pending_files(self) -> Mapping[str, RemoteFile]:
        return self.pending.files if self.pending else {}

    def lock_entry(self) -> LockEntry:
        settled = self.state == "published" and self.pending is None  # what a search hit can stand for
        return LockEntry(
            record_id=self.record_id,
            parent_id=self.parent_id,
            doi=self.doi,
            concept_doi=self.concept_doi,
            pending_id=self.pending.id if self.pending else None,
            requests=self.requests,
            receipts=self.receipts,
            revision_id=self.doc.revision_id if settled else None,
            updated=self.doc.updated if settled else None,
        )


@dataclass(frozen=True, slots=True)
class Observation:
    key: str
    remote: Remote | None
    found_by: Literal["pin", "lock", "search", "none"]
    # The manifest's communities by their server ids (UUIDs): requests must name the UUID.
    community_ids: Mapping[str, str] = field(default_factory=dict)
    lost: str | None = None  # the lock's record for this key, no longer on the server


def observe(
    client: ZenodoClient,
    desired: DesiredDeposition,
    lock: Lock,
    server: str,
    communities: CommunityIds | None = None,
    index: Index | None = None,
) -> Observation:
    """Find and read the record ``desired`` manages (GET only; none when ``index`` has it unchanged)."""
    ids = (communities or CommunityIds(client, server)).of(desired) if desired.communities else {}
    entry = lock.get(server, desired.key)
    if desired.pin:
        where = f"{desired.source_path}.record"
        pinned = read(client, _pin_to_id(client, desired.pin, server, where), None)
        if pinned is None:
            raise LocatedError(_no_record(desired.pin, server, client), where)
        found: Observation = Observation(desired.key, pinned, "pin")
    elif entry is not None and (hit := index.unchanged(entry) if index else None) is not None:
        found = Observation(desired.key, Remote(entry.record_id, "published", hit, hit.files, hit), "lock")
    elif entry is not None and (remote := read(client, entry.record_id, entry.pending_id)) is not None:
        found = Observation(desired.key, remote, "lock")
    else:
        remote = _search(client, desired)
        lost = entry.record_id if entry is not None else None
        found = Observation(desired.key, remote, "search" if remote else "none", lost=lost)
    found = replace(found, community_ids=ids)
    remote = found.remote
    if remote is None:
        return found
    if entry is not None and entry.record_id == remote.record_id:
        remote = replace(remote, receipts=entry.receipts)
    if desired.communities:
        requests = entry.requests if entry is not None else ()
        states = community_states(client, remote, ids, requests)
        remote = replace(remote, communities=states, requests=requests)
    return replace(found, remote=remote)


def community_states(
    client: ZenodoClient, remote: Remote, wanted: Mapping[str, str], requests: tuple[tuple[str, str], ...]
) -> dict[str, str]:
    """Where each wanted community (name → UUID) stands: included (accepted), or the state of its request.

    Costs no request when every community already includes the record; otherwise one GET per
    open request (the draft's review, and inclusion requests recorded in the lock).
    """
    states: dict[str, str] = {}
    for doc in (remote.published, remote.doc):
        for name, uuid in wanted.items():
            if doc is not None and (doc.included_in(uuid) or doc.included_in(name)):
                states[name] = "accepted"
    missing = [c for c in wanted if c not in states]
    if not missing:
        return states
    review = remote.doc.review_id
    asked = dict(requests)
    if review and not remote.published:
        review_request = get_or_none(client.get_request, review) or {}
        receiver = str((review_request.get("receiver") or {}).get("community", ""))
        name = next((c for c in missing if receiver in (c, wanted[c])), receiver)
        asked.setdefault(name, review)
    for name, request_id in asked.items():
        if name in missing:
            request = get_or_none(client.get_request, request_id)
            states[name] = str(request.get("status", "unknown")) if request else "unknown"
    return states


def read(client: ZenodoClient, record_id: str, pending_id: str | None, *, _hops: int = 0) -> Remote | None:
    """Read a record or draft and, for a published record, its open edit draft and pending version.

    A published record that is not its concept's latest version is followed to the latest
    (one extra GET, only then): callers always get the newest published version.
    """
    draft = _get(client.get_draft, record_id)
    if draft is not None and not draft.is_published:
        return Remote(record_id, "draft", draft, draft.files)
    record = _get(client.get_record, record_id)
    if record is None:
        return None
    if record.id and record.id != record_id and not _depth_exceeded(_hops):
        # A concept (parent) id redirects to its latest version (invenio-rdm-records:
        # ``resources/resources.py``, ``read``): go on with that record's own id.
        return read(client, record.id, pending_id, _hops=_hops + 1)
    if record.is_latest is False and not _depth_exceeded(_hops):
        # A newer version was published elsewhere (the web UI, another runner, or a publish whose
        # answer was lost): the manifest is compared with, and new versions made from, the newest.
        latest = str(client.latest_version(record_id)["id"])
        if latest != record_id:
            return read(client, latest, None if pending_id == latest else pending_id, _hops=_hops + 1)
    pending = _get(client.get_draft, pending_id) if pending_id else None
    if pending is not None and pending.is_published:
        pending = None  # published since, but not the latest: nothing pending any more
    if draft is not None:
        return Remote(record_id, "edit-pending", draft, record.files, published=record, pending=pending)
    return Remote(record_id, "published", record, record.files, published=record, pending=pending)


def _depth_exceeded(hops: int) -> bool:
    return hops >= 2  # the latest of the latest is itself; more hops mean the server disagrees with itself


def _get(call: Callable[[str], Mapping[str, Any]], record_id: str) -> RecordDoc | None:
    try:
        return RecordDoc.parse(call(record_id))
    except NotFound:
        return None


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
    found = _get(client.get_record, record_id) or _get(client.get_draft, record_id)
    if found is not None:
        return found.id or record_id  # a concept id answers with its latest version
    # Servers that answer a concept id with 404 instead of a redirect: find its versions.
    hits = [RecordDoc.parse(h) for h in client.search_user_records(f'parent.id:"{record_id}"')]
    published = [h for h in hits if h.is_published]
    if not published:
        raise LocatedError(_no_record(pin, server, client), where)
    return max(published, key=lambda h: h.version_index).id


def _search(client: ZenodoClient, desired: DesiredDeposition) -> Remote | None:
    """Adopt the account's record with exactly this title, if it is one concept; else stop."""
    # The server stores titles through ftfy (curly quotes, ligatures, full-width letters):
    # search for, and compare with, the title as it is stored, or a match would be missed.
    title = normal_text(str(desired.record["metadata"].get("title", "")))
    if not title:
        return None
    query = 'metadata.title:"{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"'))
    hits = [RecordDoc.parse(h) for h in client.search_user_records(query)]
    concepts: dict[str, list[RecordDoc]] = {}
    for hit in hits:
        if normal_text(hit.title) == title:
            concepts.setdefault(hit.parent_id or hit.id, []).append(hit)
    if not concepts:
        return None
    if len(concepts) > 1:
        ids = ", ".join(sorted(h.id for group in concepts.values() for h in group))
        raise ConflictError(
            f"'{desired.key}': {len(concepts)} of your records are titled {title!r} (ids {ids}). "
            f"Pin the right one with record: <id> under {desired.source_path}, or run 'zenodeploy import MANIFEST {desired.key} <id>'."
        )
    group = next(iter(concepts.values()))
    published = [h for h in group if h.is_published]
    drafts = [h for h in group if not h.is_published]
    if published:
        latest = max(published, key=lambda h: h.version_index)
        pending = [d for d in drafts if d.id != latest.id]
        return read(client, latest.id, pending[0].id if pending else None)
    return read(client, drafts[0].id, None)
