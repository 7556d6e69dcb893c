"""Twin drafts: two runs on different machines (two CI jobs) that both found no record for a
deposition both create one. The run lock (``runlock.py``) cannot see the other machine, so after
each create, and again before publishing a draft it created, a run searches the account for a
twin: a first-version record with the same title that another run created since this run began.

Both runs apply the same tie-break — the record created first stays (then the lower id) — so
they agree which one stays without talking to each other; the run whose draft loses deletes it
before anything is uploaded to it or published, and leaves the deposition to the other run. The
search index is eventually consistent (new records appear within about a second), which is why
the check is repeated before publishing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading
import time
from collections.abc import Callable, Iterator

from zenodeploy.errors import ZenodeployError
from zenodeploy.manifest.metadata import normal_text
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound
from zenodeploy.zenodo.records import RecordDoc

# Records created this long before this run's own creates (or earlier) are not its twins:
# the other run's create came after this run's search for the deposition found nothing.
MARGIN = 300.0


class LeftToOtherRun(ZenodeployError):
    """Another run created the record that stays for this deposition; this run's draft is gone."""

    def __init__(self, key: str, kept: RecordDoc, discarded: str) -> None:
        super().__init__(
            f"'{key}': another run created record {kept.id} for this deposition at the same time; "
            f"this run deleted its own draft {discarded} and leaves the deposition to that run."
        )
        self.kept, self.discarded = kept, discarded


class Twins:
    """Settles twins for one apply; thread-safe. Records created by this run are never twins of
    each other (two depositions may share a title): creates and checks of one title take turns."""

    def __init__(self, client: ZenodoClient, margin: float = MARGIN) -> None:
        self.client, self.margin = client, margin
        self._started = time.monotonic()
        self._ours: set[str] = set()
        self._mutex = threading.Lock()
        self._titles: dict[str, threading.Lock] = {}

    def create(self, key: str, title: str, make: Callable[[], RecordDoc]) -> RecordDoc:
        """``make()`` (the create), then :meth:`settle` the new draft; this run's creates and
        checks of one title take turns, so its own records are always known to be its own."""
        with self._mutex:
            turn = self._titles.setdefault(normal_text(title), threading.Lock())
        with turn:
            doc = make()
            with self._mutex:
                self._ours.add(doc.id)
            self.settle(key, doc, title)
        return doc

    def before_publish(self, key: str, doc: RecordDoc | None, title: str) -> None:
        """Check again before publishing a draft this run created (the index may have lagged)."""
        if doc is not None and self.ours(doc.id):
            self.settle(key, doc, title)

    def ours(self, record_id: str | None) -> bool:
        with self._mutex:
            return record_id in self._ours

    def settle(self, key: str, doc: RecordDoc, title: str) -> None:
        """Keep ``doc`` (a draft this run created) unless a twin made by another run stays
        instead: then delete ``doc`` and raise :class:`LeftToOtherRun`."""
        twins = list(self._twins(doc, normal_text(title)))
        if not twins:
            return
        kept = min([doc, *twins], key=_order)
        if kept.id == doc.id:
            return
        with contextlib.suppress(NotFound):  # deleted already
            self.client.delete_draft(doc.id)
        raise LeftToOtherRun(key, kept, doc.id)

    def _twins(self, doc: RecordDoc, title: str) -> Iterator[RecordDoc]:
        if not title:
            return
        since = _created(doc) - (time.monotonic() - self._started) - self.margin
        query = 'metadata.title:"{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"'))
        for hit in map(RecordDoc.parse, self.client.search_user_records(query)):
            if hit.id == doc.id or self.ours(hit.id) or normal_text(hit.title) != title:
                continue
            if hit.version_index > 1 or _created(hit) < since:
                continue  # a new version of an older record, or a record older than this run
            yield hit


def _created(doc: RecordDoc) -> float:
    """The server's creation time of ``doc`` (Unix seconds); -inf when it does not say."""
    text = str(doc.json.get("created") or "")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return -math.inf


def _order(doc: RecordDoc) -> tuple[float, float, str]:
    """Created first stays; then the lower numeric id, then the lower id as text."""
    return (_created(doc), int(doc.id) if doc.id.isdigit() else math.inf, doc.id)
