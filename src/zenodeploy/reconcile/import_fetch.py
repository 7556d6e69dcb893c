"""Which records an import brings in, read with as few requests as the search allows.

Named records are looked up by one search of the account's records per 100 ids (``id:(…)``,
every version), then by concept (``parent.id:(…)``) for ids that are concepts or older
versions; ``--mine`` and ``--community`` are one search each, 100 hits a page. Only records
with an open draft (an edit or a new version) are read one by one, as ``plan`` reads them, and
only an id found nowhere in the account costs a GET, to tell "not yours" from "does not exist".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from zenodeploy.errors import ConflictError, UsageError
from zenodeploy.reconcile.observe import Remote, read
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound
from zenodeploy.zenodo.records import RecordDoc

PAGE = 100


@dataclass(slots=True)
class Found:
    """The records to import (latest published version of each concept), and those passed over."""

    remotes: list[Remote] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record id, why)


def named(client: ZenodoClient, ids: Sequence[str]) -> Found:
    """The records ``ids`` name (record or concept ids); a stranger's or unknown id stops the import."""
    hits: dict[str, RecordDoc] = {}
    for chunk in _chunks(sorted(set(ids))):
        for doc in _search(client, "id:({})".format(" OR ".join(f'"{i}"' for i in chunk)), True):
            hits.setdefault(doc.id, doc)
    concepts = {i for i in ids if i not in hits}
    concepts |= {h.parent_id for h in hits.values() if h.parent_id and not _settled(h)}
    by_concept = _latest_per_concept(client, concepts)
    found = Found()
    for ref in dict.fromkeys(ids):
        hit = hits.get(ref)
        concept = hit.parent_id if hit is not None else ref
        latest: RecordDoc | None = hit
        if hit is None or not _settled(hit):
            latest = by_concept.get(concept or "")
        if latest is None and hit is not None and not hit.is_published:
            raise ConflictError(
                f"record {ref} is a draft that was never published; import brings in published records. "
                f"Write its entry yourself and link it with 'zenodeploy import MANIFEST KEY {ref}'."
            )
        if latest is None:
            raise ConflictError(_missing(client, ref))
        found.remotes.append(_remote(client, latest))
    return _unique(found)


def mine(client: ZenodoClient, community: str | None = None) -> Found:
    """Every concept of the account (or those in ``community``, a slug), at its latest version."""
    query = None
    if community is not None:
        try:
            uuid = str(client.get_community(community)["id"])
        except NotFound:
            raise UsageError(
                f"no community '{community}' on {client.base_url}; check the slug on its page (…/communities/<slug>)."
            ) from None
        query = f'parent.communities.ids:"{uuid}"'
    found = Found()
    hits = _search(client, query, False)
    # An unpublished hit may be a new version of a published concept: look its concept up.
    unsettled = {h.parent_id for h in hits if not h.is_published and h.parent_id}
    latest = _latest_per_concept(client, unsettled)
    for hit in hits:
        best = hit if hit.is_published else latest.get(hit.parent_id or "")
        if best is None:
            found.skipped.append((hit.id, "a draft that was never published"))
            continue
        found.remotes.append(_remote(client, best))
        if not hit.is_published:  # a new version of a published concept, not published yet
            found.skipped.append((hit.id, _open_version(hit, best)))
    return _unique(found)


def _open_version(draft: RecordDoc, published: RecordDoc) -> str:
    """Why an open new-version draft is passed over: the entry is the published version."""
    return (
        f"an unpublished new version of record {published.id}; the entry is the published version. "
        "The draft stays open on the server (an apply that edits the record leaves it open): "
        "publish or discard it there"
    )


def _settled(hit: RecordDoc) -> bool:
    """A published record that is its concept's latest version, with no draft open."""
    return hit.published_record and hit.is_latest is not False


def _latest_per_concept(client: ZenodoClient, concepts: Iterable[str]) -> dict[str, RecordDoc]:
    """Each concept's latest published version, or its newest open draft when none is published."""
    out: dict[str, RecordDoc] = {}
    for chunk in _chunks(sorted(concepts)):
        query = "parent.id:({})".format(" OR ".join(f'"{c}"' for c in chunk))
        for hit in _search(client, query, True):
            key = hit.parent_id or hit.id
            have = out.get(key)
            if have is None or _rank(hit) > _rank(have):
                out[key] = hit
    return {k: v for k, v in out.items() if v.is_published}


def _rank(hit: RecordDoc) -> tuple[bool, int]:
    return hit.is_published, hit.version_index


def _remote(client: ZenodoClient, hit: RecordDoc) -> Remote:
    """The record as ``plan`` will see it: a settled search hit as it is, anything else read."""
    if hit.published_record and hit.is_latest is not False:
        return Remote(hit.id, "published", hit, hit.files, hit)
    remote = read(client, hit.id, None)
    if remote is None:  # deleted between the search and the read
        raise ConflictError(f"record {hit.id} disappeared while it was being imported; run the import again.")
    return remote


def _missing(client: ZenodoClient, ref: str) -> str:
    try:
        client.get_record(ref)
    except NotFound:
        return f"no record {ref} on {client.base_url}; check the id or DOI, and --server (a sandbox record is not on zenodo.org)."
    return (
        f"record {ref} on {client.base_url} belongs to another account; zenodeploy manages only your own "
        "records. Ask its owner to share it with you, or import your own copy."
    )


def _unique(found: Found) -> Found:
    seen: set[str] = set()
    remotes = []
    for remote in found.remotes:
        if remote.record_id not in seen:
            seen.add(remote.record_id)
            remotes.append(remote)
    return Found(remotes, found.skipped)


def _search(client: ZenodoClient, query: str | None, all_versions: bool) -> list[RecordDoc]:
    return [
        RecordDoc.parse(h) for h in client.search_user_records(query, all_versions=all_versions, size=PAGE)
    ]


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i : i + PAGE] for i in range(0, len(items), PAGE)]
