"""Execute a plan: the only module that writes to the server. The lock is written after every create."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from zenodeploy.errors import ConflictError, ZenodeployError
from zenodeploy.reconcile.hashing import Streamed
from zenodeploy.reconcile.lock import Lock, LockEntry
from zenodeploy.reconcile.payload import body_for, kept_all
from zenodeploy.reconcile.plan import (
    Action,
    AddCommunities,
    Create,
    Delete,
    DepositionPlan,
    Edit,
    NewVersion,
    Publish,
    Refuse,
    UpdateMetadata,
    Upload,
)
from zenodeploy.reconcile.pool import SharedPool, run_all
from zenodeploy.reconcile.receipts import Receipt, receipts
from zenodeploy.reconcile.twins import LeftToOtherRun, Twins
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound
from zenodeploy.zenodo.records import RecordDoc
from zenodeploy.zenodo.upload import start_all, upload_file


class Progress(Protocol):
    """Where upload progress goes (the CLI's bars or lines); core code never prints."""

    def update(self, key: str, name: str, sent: int) -> None:
        """``sent`` more bytes of file ``name`` of deposition ``key`` went out (negative after a
        restart of the file)."""

    def done(self, key: str, name: str) -> None:
        """The server committed file ``name`` of deposition ``key`` with the right checksum."""


@dataclass(slots=True)
class Outcome:
    """What apply did for one deposition (the JSON summary and the closing table)."""

    key: str
    record_id: str | None = None
    doi: str | None = None
    concept_doi: str | None = None
    url: str | None = None
    state: str = "unchanged"
    actions: list[Action] = field(default_factory=list)
    error: str | None = None


def apply_plans(
    client: ZenodoClient,
    plans: Sequence[DepositionPlan],
    lock: Lock,
    server: str,
    *,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Run every deposition's actions, ``client.max_in_flight`` depositions and uploads at a time.

    The client's budget bounds the requests on the wire (uploads included); depositions and
    the upload threads they share each get that many workers. A failure of one deposition is
    recorded in its outcome and does not stop the others.
    """
    for plan in plans:
        if plan.refused:
            raise ConflictError(plan.refused)
    parallel = client.max_in_flight
    runner = _Runner(client, lock, server, SharedPool(parallel, "upload"), progress)
    try:
        return run_all(runner.run, plans, parallel, "deposition")
    finally:
        runner.hashed.save()  # md5s computed while sending: the next run reads no bytes for them


class _Runner:
    def __init__(
        self, client: ZenodoClient, lock: Lock, server: str, uploads: SharedPool, progress: Progress | None
    ) -> None:
        self.client, self.lock, self.server, self.upload_pool = client, lock, server, uploads
        self.progress, self.twins = progress, Twins(client)  # one per apply: it knows what this run created
        self.hashed = Streamed()

    def run(self, plan: DepositionPlan) -> Outcome:
        remote = plan.observation.remote
        outcome = Outcome(plan.key)
        doc: RecordDoc | None = remote.doc if remote else None
        target = remote.record_id if remote else None  # the draft that writes go to
        entry = self.lock.get(self.server, plan.key)
        if plan.actions and entry is not None and entry.revision_id:
            # Until the outcome of these writes is recorded, no search hit stands for a GET.
            self.lock.set(self.server, plan.key, replace(entry, revision_id=None, updated=None))
        try:
            uploads: list[Upload] = []
            for action in plan.actions:
                if isinstance(action, Upload):
                    uploads.append(action)
                    continue
                if uploads:
                    self._uploads(plan.key, str(target), uploads, doc)
                    uploads = []
                doc, target = self._do(plan, action, doc, target)
                outcome.actions.append(action)
            if uploads:
                self._uploads(plan.key, str(target), uploads, doc)
            outcome.actions += [u for u in plan.actions if isinstance(u, Upload)]
        except LeftToOtherRun as left:  # the other run's record stays: the lock points at it
            kept = left.kept
            self.lock.set(self.server, plan.key, LockEntry(kept.id, kept.parent_id))
            return replace(outcome, state="left to another run", record_id=kept.id, url=kept.html_url)
        except ZenodeployError as exc:
            outcome.error = str(exc)
        self._finish(outcome, plan, doc, target)
        return outcome

    def _do(
        self, plan: DepositionPlan, action: Action, doc: RecordDoc | None, target: str | None
    ) -> tuple[RecordDoc | None, str | None]:
        client, desired = self.client, plan.desired
        title = str(desired.record["metadata"].get("title", ""))
        if isinstance(action, Create):
            created = self.twins.create(plan.key, title, lambda: self._create(plan))
            return kept_all(created, desired), created.id
        if isinstance(action, Edit):
            return RecordDoc.parse(client.edit(action.record_id)), action.record_id
        if isinstance(action, NewVersion):
            draft = RecordDoc.parse(
                client.get_draft(action.pending_id)
                if action.pending_id
                else client.new_version(action.record_id)
            )
            target = draft.id
            entry = self.lock.get(self.server, plan.key) or LockEntry(record_id=action.record_id)
            self.lock.set(
                self.server,
                plan.key,
                replace(entry, parent_id=draft.parent_id or entry.parent_id, pending_id=target),
            )
            if action.import_files and not draft.files and not _has_files(client, target):
                client.files_import(target)  # links the previous version's files: no bytes re-sent
            return RecordDoc.parse(client.get_draft(target)), target
        if isinstance(action, UpdateMetadata):
            saved = RecordDoc.parse(
                client.update_draft(str(target), body_for(desired.record, doc, desired.kept))
            )
            self._keep_receipts(plan.key, receipts(desired.record, saved.json))
            return kept_all(saved, desired), target
        if isinstance(action, Delete):
            with contextlib.suppress(NotFound):  # gone already: a previous run got this far
                client.delete_file(str(target), action.name)
            return doc, target
        if isinstance(action, Publish):
            self.twins.before_publish(plan.key, doc, title)
            if action.communities:
                # First publish into a community: InvenioRDM's review flow; the curators'
                # acceptance publishes the draft. Further communities are asked for afterwards.
                uuid = plan.observation.community_ids[action.communities[0]]
                client.request_review(str(target), uuid)
                review = client.submit_review(str(target))
                if review.get("status") == "accepted":  # curators of an open community: published at once
                    if rest := action.communities[1:]:  # a published record can ask for the others now
                        self._do(plan, AddCommunities(rest), doc, target)
                    return RecordDoc.parse(client.get_record(str(target))), target
                return RecordDoc.parse(client.get_draft(str(target))), target
            return RecordDoc.parse(client.publish(str(target))), target
        if isinstance(action, AddCommunities):
            ids = plan.observation.community_ids
            answer = client.add_communities(str(target), [ids[c] for c in action.communities])
            self._remember_requests(plan.key, {c: ids[c] for c in action.communities}, answer)
            return doc, target
        assert isinstance(action, Refuse)
        raise ConflictError(action.reason)

    def _create(self, plan: DepositionPlan) -> RecordDoc:
        created = RecordDoc.parse(
            self.client.create_draft(body_for(plan.desired.record, None, plan.desired.kept))
        )
        entry = LockEntry(created.id, created.parent_id, receipts=receipts(plan.desired.record, created.json))
        self.lock.set(self.server, plan.key, entry)
        return created

    def _keep_receipts(self, key: str, kept: tuple[Receipt, ...]) -> None:
        entry = self.lock.get(self.server, key)
        if entry is not None:
            self.lock.set(self.server, key, replace(entry, receipts=kept))

    def _remember_requests(self, key: str, wanted: Mapping[str, str], answer: Mapping[str, Any]) -> None:
        """Record inclusion requests (community name → UUID asked) in the lock so that an open one
        is not asked again."""
        by_community = {
            str(c.get("community_id")): str(c.get("request_id")) for c in answer.get("processed") or []
        }
        made = {name: by_community[uuid] for name, uuid in wanted.items() if by_community.get(uuid)}
        entry = self.lock.get(self.server, key)
        if entry is not None and made:
            requests = tuple(sorted({**dict(entry.requests), **made}.items()))
            self.lock.set(self.server, key, replace(entry, requests=requests))

    def _uploads(self, key: str, target: str, uploads: list[Upload], doc: RecordDoc | None) -> None:
        current = doc.files if doc else {}
        # One POST starts every new key; per file only the content PUT and the commit remain.
        started = start_all(self.client, target, [u.file.name for u in uploads if u.file.name not in current])

        def one(action: Upload) -> None:
            f = action.file
            have = current.get(f.name)
            done = {"key": f.name, "status": "completed", "checksum": f"md5:{have.md5}"} if have else None
            existing = done or started.get(f.name)
            progress = self.progress

            def report(sent: int) -> None:
                if progress is not None:
                    progress.update(key, f.name, sent)

            upload_file(
                self.client,
                target,
                f.name,
                f.source,
                md5=f.md5,
                size=f.size,
                progress=report,
                existing=existing,
                on_hashed=lambda md5, st, started: self.hashed(f.source, md5, st, started),
            )
            if progress is not None:
                progress.done(key, f.name)

        self.upload_pool.map(one, uploads)

    def _finish(
        self, outcome: Outcome, plan: DepositionPlan, doc: RecordDoc | None, target: str | None
    ) -> None:
        if doc is None:
            outcome.state = "failed" if outcome.error else outcome.state
            return
        published = doc.published_record
        outcome.record_id = doc.id or target
        outcome.doi, outcome.concept_doi, outcome.url = doc.doi, doc.concept_doi, doc.html_url
        if outcome.error:
            outcome.state = "failed"
        elif not plan.actions:
            outcome.state = "unchanged"
        else:
            in_review = any(isinstance(a, Publish) and a.communities for a in plan.actions)
            outcome.state = "published" if published else ("in review" if in_review else "draft")
        if published:
            previous = self.lock.get(self.server, plan.key)
            self.lock.set(
                self.server,
                plan.key,
                LockEntry(
                    doc.id,
                    doc.parent_id,
                    outcome.doi,
                    outcome.concept_doi,
                    requests=previous.requests if previous else (),
                    receipts=previous.receipts if previous else (),
                    revision_id=doc.revision_id,
                    updated=doc.updated,
                ),
            )


def _has_files(client: ZenodoClient, record_id: str) -> bool:
    return bool(client.draft_files(record_id).get("entries"))
