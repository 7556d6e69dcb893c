"""``compute_plan(desired, observation)``: a pure function from the two states to typed actions.

Reconcile rules: nothing remote → create; a draft → update it, sync files; a
published record → edit (metadata only) or a new version (files differ); publish only when
asked and never when nothing changed; ``on_published: fail`` refuses to touch a published record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zenodeploy.model import DesiredDeposition, LocalFile
from zenodeploy.reconcile.communities import community_notes, new_communities
from zenodeploy.reconcile.observe import Observation, Remote
from zenodeploy.reconcile.receipts import Receipt, fields, settled
from zenodeploy.zenodo.records import RecordDoc, RemoteFile


@dataclass(frozen=True, slots=True)
class Create:
    title: str


@dataclass(frozen=True, slots=True)
class Edit:
    record_id: str


@dataclass(frozen=True, slots=True)
class NewVersion:
    record_id: str
    doi: str | None
    pending_id: str | None = None  # continue this open new-version draft instead of asking for one
    import_files: bool = False  # link the previous version's files first (some are still wanted)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One managed field whose server value (``old``; None when unset) differs from the manifest's."""

    name: str  # ``title``, ``custom_fields.code:codeRepository``…
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class UpdateMetadata:
    changes: tuple[FieldChange, ...]  # empty: set again as it is (a new version drops some fields)


@dataclass(frozen=True, slots=True)
class Upload:
    file: LocalFile
    replaces: bool = False


@dataclass(frozen=True, slots=True)
class Delete:
    name: str


@dataclass(frozen=True, slots=True)
class Publish:
    communities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AddCommunities:
    communities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Refuse:
    reason: str


Action = Create | Edit | NewVersion | UpdateMetadata | Upload | Delete | Publish | AddCommunities | Refuse
_RISK: dict[type, str] = {
    Delete: "delete files",
    NewVersion: "make a new version",
    Publish: "publish",
    Edit: "edit the published record",
}


@dataclass(frozen=True, slots=True)
class DepositionPlan:
    desired: DesiredDeposition
    observation: Observation
    actions: tuple[Action, ...]
    notes: tuple[str, ...] = ()  # states worth showing that need no write (an open review…)

    @property
    def key(self) -> str:
        return self.desired.key

    @property
    def changes(self) -> bool:
        return bool(self.actions)

    @property
    def refused(self) -> str | None:
        return next((a.reason for a in self.actions if isinstance(a, Refuse)), None)


def compute_plan(
    desired: DesiredDeposition, observation: Observation, *, adopt: bool = False
) -> DepositionPlan:
    """The actions that make the server match ``desired``. A record found only by its title is
    never changed destructively (files deleted, a new version, an edit of a published record, a
    publish of changed metadata) unless ``adopt``."""
    plan = _compute(desired, observation)
    if any(isinstance(a, Publish) for a in plan.actions) and not _typed(desired, observation.remote):
        why = f"'{desired.key}' has no resource_type, here or on the server; Zenodo refuses to publish without one. Add e.g. resource_type: dataset"
        return DepositionPlan(desired, observation, (Refuse(why),), plan.notes)
    if observation.found_by != "search" or adopt or observation.remote is None:
        return plan
    # Publishing a found draft whose metadata already is the manifest's loses nothing (a run whose
    # create answer was lost finds its own draft this way); deleting, versioning, editing a
    # published record, or publishing changed metadata could take over someone else's record.
    changed = any(isinstance(a, UpdateMetadata) and a.changes for a in plan.actions)
    risky = [
        a
        for a in plan.actions
        if isinstance(a, (Delete, NewVersion, Edit)) or (isinstance(a, Publish) and changed)
    ]
    if not risky:
        return plan
    return DepositionPlan(
        desired, observation, (_not_adopted(desired, observation.remote, risky),), plan.notes
    )


def _typed(desired: DesiredDeposition, remote: Remote | None) -> bool:
    """A resource type in the manifest, kept on the server, or on the server (carried over)."""
    if desired.record.get("metadata", {}).get("resource_type") or "resource_type" in desired.kept:
        return True
    return remote is not None and bool((remote.doc.json.get("metadata") or {}).get("resource_type"))


def _not_adopted(desired: DesiredDeposition, remote: Remote, risky: Sequence[Action]) -> Refuse:
    doc = remote.published or remote.doc
    what = sorted({_RISK[type(a)] for a in risky})
    return Refuse(
        f"'{desired.key}' matched record {remote.record_id} ({remote.state}, created {doc.created[:10] or 'on an unknown day'}, "
        f"{len(remote.files)} file{'' if len(remote.files) == 1 else 's'}) only by its title, and this run would {' and '.join(what)}. If it is this "
        f"deposition's record, run 'zenodeploy import MANIFEST {desired.key} {remote.record_id}' or apply with "
        f"--adopt {desired.key}; if not, change the title or pin another record with record:."
    )


def _compute(desired: DesiredDeposition, observation: Observation) -> DepositionPlan:
    remote = observation.remote
    if remote is None:
        actions: list[Action] = [Create(str(desired.record["metadata"].get("title", desired.key)))]
        actions += [Upload(f) for f in desired.files]
        if desired.publish:
            actions.append(Publish(desired.communities))
        return DepositionPlan(desired, observation, tuple(actions))
    notes = tuple(community_notes(desired, remote))
    if remote.state == "draft":
        actions = [
            *_metadata(desired, remote.doc, remote.receipts),
            *_file_sync(_managed_files(desired), remote.files),
        ]
        review = {c: state for c, state in remote.communities.items() if state in ("submitted", "declined")}
        if "declined" in review.values():
            declined = ", ".join(c for c, state in review.items() if state == "declined")
            actions.append(
                Refuse(
                    f"'{desired.key}': {declined} declined the review request. Remove it from communities: to publish without it, or ask its curators."
                )
            )
        elif desired.publish and not review:
            actions.append(Publish(desired.communities))
        return DepositionPlan(desired, observation, tuple(actions), notes)
    return DepositionPlan(desired, observation, tuple(_published(desired, remote)), notes)


def _published(desired: DesiredDeposition, remote: Remote) -> list[Action]:
    assert remote.published is not None
    files_differ = _files_differ(_managed_files(desired), remote.published_files)
    meta = _metadata(desired, remote.doc, remote.receipts)
    renewed = files_differ or _new_release(desired, meta)
    if renewed and remote.pending:
        meta = _metadata(desired, remote.pending, remote.receipts)
    communities = new_communities(desired, remote)
    edit_open = remote.state == "edit-pending"
    if not renewed and not meta and not communities:
        # An edit left open by an interrupted run is finished only when publishing is asked for.
        return (
            [Publish()]
            if edit_open and desired.publish and _metadata(desired, remote.published, remote.receipts)
            else []
        )
    if desired.on_published == "fail" and (renewed or meta):
        return [
            Refuse(
                f"'{desired.key}' is published and on_published is 'fail'; the manifest differs in {_what(files_differ, meta)}. Change on_published or revert the manifest."
            )
        ]
    actions: list[Action] = []
    if renewed:
        if desired.on_published == "edit":
            return [
                Refuse(
                    f"'{desired.key}' is published and its files differ, but on_published: edit only changes metadata. Use on_published: new-version to publish the new files as a new version."
                )
            ]
        # Importing links the previous version's files server-side (no bytes sent); it is worth a
        # request only when some of them are still wanted as they are.
        kept = _managed_files(desired) is None  # files left to the server: the new version takes them
        reuse = kept or _reusable(_managed_files(desired), remote.published_files)
        if remote.pending is not None and (remote.pending_files or not reuse):
            # An open new version (an earlier run, or the web UI): bring it up to date.
            sync = _file_sync(_managed_files(desired), remote.pending_files)
            if not sync and not meta and not desired.publish:
                return [AddCommunities(communities)] if communities else []
            actions += [NewVersion(remote.record_id, remote.doi, remote.pending.id), *sync, *meta]
        elif remote.pending is not None:
            # An open new version with no files (a run stopped before or after importing, and then
            # deleting, them): import again and sync against what the import brings.
            actions.append(NewVersion(remote.record_id, remote.doi, remote.pending.id, import_files=True))
            actions += [*_file_sync(_managed_files(desired), remote.published_files), *meta]
        else:
            actions.append(NewVersion(remote.record_id, remote.doi, import_files=reuse))
            actions += _file_sync(_managed_files(desired), remote.published_files if reuse else {})
            # A new-version draft drops 'version' and resets the date (invenio-rdm-records: services/components/metadata.py): always send metadata.
            actions.append(meta[0] if meta else UpdateMetadata(()))
    elif meta:
        if not edit_open:
            actions.append(Edit(remote.record_id))
        actions += meta
    if (renewed or meta) and desired.publish:
        actions.append(Publish())
    if communities:
        actions.append(AddCommunities(communities))
    return actions


def _new_release(desired: DesiredDeposition, meta: list[UpdateMetadata]) -> bool:
    """A changed ``version`` is a new release, made a new version as changed files are: an edit
    would make the DOI of the old release claim the new one. ``meta`` is what differs (a
    server's rewrite of the version, kept as a write receipt, is no change)."""
    changed = {c.name: c.new for update in meta for c in update.changes}
    return desired.on_published == "new-version" and bool(changed.get("version"))


def _what(files_differ: bool, meta: list[UpdateMetadata]) -> str:
    return " and ".join(x for x, on in (("files", files_differ), ("metadata", bool(meta))) if on)


def _metadata(
    desired: DesiredDeposition, doc: RecordDoc | None, kept: tuple[Receipt, ...] = ()
) -> list[UpdateMetadata]:
    """The managed fields whose server value differs, less those the server rewrote on the last
    save and that neither side changed since (``kept``, the write receipts)."""
    left = desired.kept  # left to the server: never compared
    theirs = dict(fields(doc.json if doc else {}, desired.record, left))
    stored = dict(fields(doc.json, doc.json, left)) if doc else {}  # as the server has it, not projected
    changes = [
        FieldChange(label, stored.get(label, theirs[label]), mine)
        for label, mine in fields(desired.record, desired.record, left)
        if mine != theirs[label] and not settled(label, mine, theirs[label], kept)
    ]
    return [UpdateMetadata(tuple(changes))] if changes else []


def _managed_files(desired: DesiredDeposition) -> tuple[LocalFile, ...] | None:
    """The files the manifest wants, or None when it leaves them to the server (``keep_on_server``)."""
    return None if desired.keep_files else desired.files


def _same(local: LocalFile, remote: RemoteFile | None) -> bool:
    """The server holds these bytes; a file not hashed yet (md5 ``""``, see ``hashing``) never is."""
    return remote is not None and bool(local.md5) and remote.md5 == local.md5


def _files_differ(local: tuple[LocalFile, ...] | None, remote: Mapping[str, RemoteFile]) -> bool:
    if local is None:  # the files are left as they are on the server
        return False
    return {f.name for f in local} != set(remote) or not all(_same(f, remote.get(f.name)) for f in local)


def _reusable(local: tuple[LocalFile, ...] | None, published: Mapping[str, RemoteFile]) -> bool:
    return any(_same(f, published.get(f.name)) for f in local or ())


def _file_sync(local: tuple[LocalFile, ...] | None, remote: Mapping[str, RemoteFile]) -> list[Action]:
    if local is None:  # the files are left as they are on the server
        return []
    wanted = {f.name for f in local}
    actions: list[Action] = [Delete(name) for name in sorted(remote) if name not in wanted]
    for f in local:
        have = remote.get(f.name)
        if not _same(f, have):
            actions.append(Upload(f, replaces=have is not None))
    return actions
