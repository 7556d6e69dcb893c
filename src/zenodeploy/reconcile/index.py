"""Batched observation: many depositions' published records learnt from one search request.

The lock records the published record as last written (or read) by zenodeploy: its
``revision_id`` and ``updated``. One ``GET /api/user/records?q=id:(a OR b …)`` per 100 ids
returns the current search hit of each; a hit that is exactly that save stands for the GET
of the record. Everything else is read individually, as before: a hit of another save (changed
since, or the index still behind the last write: it is eventually consistent), a missing hit,
an open draft (the draft index does not follow file uploads: invenio-records-resources
``services/files/service.py`` commits no record on a file init or commit), a superseded version,
a pending new version, and every id when the search itself fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zenodeploy.errors import ZenodeployError
from zenodeploy.reconcile.lock import LockEntry
from zenodeploy.reconcile.pool import run_all
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.records import RecordDoc

PAGE = 100  # the largest page InvenioRDM serves; one id matches at most one hit


class Index:
    """Search hits by record id, for the lock entries that recorded a published save."""

    def __init__(self, hits: Mapping[str, RecordDoc] | None = None) -> None:
        self.hits: Mapping[str, RecordDoc] = hits or {}

    @classmethod
    def search(cls, client: ZenodoClient, entries: Iterable[LockEntry]) -> Index:
        """Search the account's records (all versions, own only) for the entries' record ids,
        ``PAGE`` ids a request, within the client's concurrency budget."""
        ids = sorted({e.record_id for e in entries if e.revision_id and not e.pending_id})
        chunks = [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)]

        def one(chunk: list[str]) -> list[RecordDoc]:
            query = "id:({})".format(" OR ".join(f'"{i}"' for i in chunk))
            try:
                found = client.search_user_records(query, all_versions=True, size=PAGE)
                return [RecordDoc.parse(h) for h in found]
            except ZenodeployError:
                return []  # unsure: those depositions are read one by one

        hits = [h for chunk in run_all(one, chunks, client.max_in_flight, "search") for h in chunk]
        return cls({h.id: h for h in hits if h.id in set(ids)})

    def unchanged(self, entry: LockEntry) -> RecordDoc | None:
        """The hit of ``entry``'s record when it is the save the lock recorded, the latest
        published version with its files listed and no draft open; None means: read it."""
        hit = self.hits.get(entry.record_id)
        if hit is None or entry.pending_id or not entry.revision_id:
            return None
        if (hit.revision_id, hit.updated) != (entry.revision_id, entry.updated):
            return None
        if not hit.published_record or hit.is_latest is not True or not hit.files:
            return None
        return hit
