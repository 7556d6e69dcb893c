"""compute_plan is pure: desired + observed state in, typed actions out (no I/O here)."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from zenodeploy.cli.plan_report import describe
from zenodeploy.manifest.metadata import to_rdm
from zenodeploy.model import DesiredDeposition, LocalFile
from zenodeploy.reconcile.observe import Observation, Remote
from zenodeploy.reconcile.plan import (
    Create,
    Delete,
    Edit,
    NewVersion,
    Publish,
    Refuse,
    UpdateMetadata,
    Upload,
    compute_plan,
)
from zenodeploy.zenodo.records import RecordDoc

META = {
    "title": "Spectra of aspirin",
    "resource_type": "dataset",
    "creators": [{"family": "Doe", "given": "J"}],
    "publication_date": "2024-05-01",
}
FILE = LocalFile("a.zip", Path("a.zip"), 10, "0" * 32)


def desired(**kw: Any) -> DesiredDeposition:
    meta = {**META, **kw.pop("meta", {})}
    return DesiredDeposition(
        key="k", record=to_rdm(meta, "<p>About aspirin.</p>"), files=kw.pop("files", (FILE,)), **kw
    )


def server_doc(d: DesiredDeposition, **changes: Any) -> dict[str, Any]:
    """What the server returns for ``d``: enriched the way InvenioRDM enriches it."""
    md = {**d.record["metadata"], **changes}
    md["resource_type"] = {"id": "dataset", "title": {"en": "Dataset"}}
    md["creators"] = [
        {**c, "person_or_org": {**c["person_or_org"], "name": "Doe, J"}} for c in md["creators"]
    ]
    return {
        "id": "1",
        "metadata": md,
        "access": {**d.record["access"], "status": "open", "embargo": {"active": False}},
        "custom_fields": {},
    }


def remote(
    d: DesiredDeposition, state: str = "draft", files: dict[str, str] | None = None, **changes: Any
) -> Remote:
    listed = files if files is not None else {"a.zip": "0" * 32}
    entries = [
        {"key": k, "size": 10, "checksum": f"md5:{m}", "status": "completed"} for k, m in listed.items()
    ]
    doc = RecordDoc.parse({**server_doc(d, **changes), "files": {"enabled": True, "entries": entries}})
    if state == "draft":
        return Remote("1", "draft", doc, doc.files)
    return Remote("1", "published", doc, doc.files, published=doc)


def plan(d: DesiredDeposition, r: Remote | None) -> list[Any]:
    return list(compute_plan(d, Observation("k", r, "lock" if r else "none")).actions)


def test_nothing_remote_creates_and_uploads_and_publishes_only_when_asked() -> None:
    assert [type(a) for a in plan(desired(), None)] == [Create, Upload]
    assert [type(a) for a in plan(desired(publish=True), None)] == [Create, Upload, Publish]


def test_unchanged_draft_despite_server_enrichment_is_no_action() -> None:
    d = desired()
    assert plan(d, remote(d)) == []


def test_draft_title_change_is_one_metadata_update_with_a_readable_diff() -> None:
    d = desired()
    actions = plan(d, remote(d, title="Old title"))
    assert len(actions) == 1 and isinstance(actions[0], UpdateMetadata)
    assert describe(actions[0]) == '~ title: "Old title" → "Spectra of aspirin"'


def test_draft_file_sync_uploads_changed_and_deletes_removed() -> None:
    d = desired()
    actions = plan(d, remote(d, files={"a.zip": "f" * 32, "old.csv": "1" * 32}))
    assert [describe(a) for a in actions] == ["- delete old.csv", "+ replace a.zip (10 Bytes)"]


def test_published_metadata_change_is_an_edit_and_publish_only_with_publish() -> None:
    d = desired()
    assert [type(a) for a in plan(d, remote(d, "published", title="Old"))] == [Edit, UpdateMetadata]
    d = desired(publish=True)
    assert [type(a) for a in plan(d, remote(d, "published", title="Old"))] == [Edit, UpdateMetadata, Publish]


def test_published_file_change_is_a_new_version_that_sets_metadata_again() -> None:
    d = desired(publish=True)
    actions = plan(d, remote(d, "published", files={"a.zip": "f" * 32}))
    assert [type(a) for a in actions] == [NewVersion, Upload, UpdateMetadata, Publish]


def test_unchanged_published_record_is_never_republished() -> None:
    d = desired(publish=True)
    assert plan(d, remote(d, "published")) == []


def test_on_published_fail_and_edit_refuse_what_they_forbid() -> None:
    d = desired(on_published="fail")
    actions = plan(d, remote(d, "published", title="Old"))
    assert len(actions) == 1 and isinstance(actions[0], Refuse) and "on_published" in actions[0].reason
    d = desired(on_published="edit")
    actions = plan(d, remote(d, "published", files={}))
    assert isinstance(actions[0], Refuse) and "new-version" in actions[0].reason


def test_description_change_shows_the_changed_text_not_html() -> None:
    d = desired()
    r = remote(d, description="<p>About caffeine.</p>")
    (action,) = plan(d, r)
    assert describe(action) == '~ description: "About caffeine." → "About aspirin."'


def test_plan_is_pure_it_reads_its_inputs_and_leaves_them_as_they_were() -> None:
    d = desired()
    r = remote(d, "published", title="Old", files={"a.zip": "f" * 32, "old.csv": "1" * 32})
    d_before, r_before = copy.deepcopy(d), copy.deepcopy(r)
    first = compute_plan(d, Observation("k", r, "lock"))
    # No published file is wanted as it is: nothing is imported, so nothing needs deleting.
    assert [describe(a) for a in first.actions] == [
        "↻ new version of 1",
        "+ upload a.zip (10 Bytes)",
        '~ title: "Old" → "Spectra of aspirin"',
    ]
    assert first.actions[0] == NewVersion("1", None, import_files=False)
    assert d == d_before and r == r_before  # neither the manifest's record nor the server's is changed
    assert compute_plan(d, Observation("k", r, "lock")).actions == first.actions  # so a re-plan agrees


def test_deleting_all_files_is_planned_as_deletes() -> None:
    d = desired(files=())
    assert [type(a) for a in plan(d, remote(d))] == [Delete]


def test_a_new_version_imports_the_previous_files_only_when_some_are_still_wanted() -> None:
    keep = LocalFile("keep.csv", Path("keep.csv"), 10, "0" * 32)
    d = desired(files=(keep, FILE))
    r = remote(d, "published", files={"keep.csv": "0" * 32, "a.zip": "f" * 32, "old.csv": "1" * 32})
    actions = plan(d, r)
    assert actions[0] == NewVersion("1", None, import_files=True)
    assert [describe(a) for a in actions[1:3]] == ["- delete old.csv", "+ replace a.zip (10 Bytes)"]


def test_an_open_new_version_left_without_files_imports_them_again_and_syncs_against_them() -> None:
    """A run stopped after importing and deleting: the pending draft has no files; the next run
    imports once more and plans against what the import brings (no second run needed)."""
    keep = LocalFile("keep.csv", Path("keep.csv"), 10, "0" * 32)
    d = desired(files=(keep,))
    r = remote(d, "published", files={"keep.csv": "0" * 32, "old.csv": "1" * 32})
    empty = RecordDoc.parse({**r.doc.json, "id": "2", "files": {"enabled": True, "entries": []}})
    actions = plan(d, replace(r, pending=empty))
    assert actions[0] == NewVersion("1", None, "2", import_files=True)
    assert [describe(a) for a in actions[1:]] == ["- delete old.csv"]


def test_a_changed_version_is_a_new_release_not_an_edit_of_the_old_one() -> None:
    d = desired(publish=True, meta={"version": "1.0.0"})
    actions = plan(d, remote(d, "published", version="0.9.0"))
    assert [type(a) for a in actions] == [NewVersion, UpdateMetadata, Publish]
    assert actions[0].import_files  # the same files, linked on the server: nothing sent again
    assert '~ version: "0.9.0" → "1.0.0"' in describe(actions[1])
    # other metadata still edits the published version; on_published: edit keeps editing
    assert [type(a) for a in plan(d, remote(d, "published", version="1.0.0", title="Old"))] == [
        Edit,
        UpdateMetadata,
        Publish,
    ]
    d = desired(publish=True, on_published="edit", meta={"version": "1.0.0"})
    assert [type(a) for a in plan(d, remote(d, "published", version="0.9.0"))] == [
        Edit,
        UpdateMetadata,
        Publish,
    ]


def test_a_version_the_server_rewrote_on_the_last_save_is_no_new_release() -> None:
    from zenodeploy.reconcile.receipts import fingerprint

    d = desired(publish=True, meta={"version": "1.0.0 "})
    stored = remote(d, "published", version="1.0.0", title="Old title")
    mine = d.record["metadata"]["version"]
    settled_version = replace(stored, receipts=(("version", fingerprint(mine), fingerprint("1.0.0")),))
    # the title changed; the version only as the write receipt says the server stores it: an edit
    assert [type(a) for a in plan(d, settled_version)] == [Edit, UpdateMetadata, Publish]


def test_a_new_version_made_for_a_version_alone_is_published_when_asked() -> None:
    d = desired(publish=True, meta={"version": "2.0.0"})
    r = remote(d, "published", version="1.0.0")
    entries = [{"key": "a.zip", "size": 10, "checksum": "md5:" + "0" * 32, "status": "completed"}]
    draft = RecordDoc.parse({**server_doc(d), "id": "3", "files": {"enabled": True, "entries": entries}})
    pending = replace(r, pending=draft)
    actions = plan(d, pending)  # the open new version already says 2.0.0: only the publish is left
    assert [type(a) for a in actions] == [NewVersion, Publish]
    assert actions[0].pending_id == "3"
    assert plan(desired(meta={"version": "2.0.0"}), pending) == []  # not asked to publish: nothing


def test_a_version_change_with_files_kept_on_the_server_imports_them() -> None:
    d = desired(publish=True, keep_files=True, meta={"version": "2.0.0"})
    actions = plan(d, remote(d, "published", version="1.0.0"))
    assert [type(a) for a in actions] == [NewVersion, UpdateMetadata, Publish]
    assert actions[0].import_files
