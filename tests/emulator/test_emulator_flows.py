"""The documented flows end to end over HTTP: drafts, files, publish, edit, versions, discard."""

from __future__ import annotations

import copy
import hashlib

from rdm_client import MINIMAL, Api


def test_create_upload_publish(api: Api) -> None:
    created = api("POST", "/records", json=MINIMAL)
    assert created.status_code == 201
    draft = created.json()
    assert draft["is_draft"] is True and draft["is_published"] is False
    assert draft["status"] == "draft"
    assert draft["versions"] == {"index": 1, "is_latest": False, "is_latest_draft": True}
    assert int(draft["parent"]["id"]) == int(draft["id"]) - 1
    assert "errors" not in draft  # "Missing uploaded files." comes with updates, not the create
    assert draft["links"]["publish"].endswith(f"/api/records/{draft['id']}/draft/actions/publish")

    data = b"x" * 1000
    entry = api.upload(draft["id"], "data/table.csv", data)
    assert entry["status"] == "completed"
    assert entry["size"] == 1000
    assert entry["checksum"] == "md5:" + hashlib.md5(data).hexdigest()
    assert entry["mimetype"] == "text/csv"

    published = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert published.status_code == 202
    record = published.json()
    assert record["is_published"] is True and record["is_draft"] is False
    assert record["status"] == "published"
    assert record["pids"]["doi"]["identifier"] == f"10.5072/zenodo.{draft['id']}"
    assert record["parent"]["pids"]["doi"]["identifier"] == f"10.5072/zenodo.{draft['parent']['id']}"
    assert record["versions"] == {"index": 1, "is_latest": True, "is_latest_draft": True}
    assert record["files"]["count"] == 1 and record["files"]["total_bytes"] == 1000

    got = api("GET", f"/records/{draft['id']}/files/data/table.csv/content")
    assert got.status_code == 200 and got.content == data
    assert (
        api("POST", f"/records/{draft['id']}/draft/actions/publish").status_code == 404
    )  # the draft is gone


def test_metadata_comes_back_normalised(api: Api) -> None:
    body = copy.deepcopy(MINIMAL)
    body["metadata"]["description"] = "<p>ok<script>alert(1)</script> <em>fine</em></p>"
    body["metadata"]["creators"][0]["person_or_org"]["identifiers"] = [
        {"identifier": "https://orcid.org/0000-0002-1825-0097"}
    ]
    body["metadata"]["rights"] = [{"id": "cc-by-4.0"}]
    body["metadata"]["languages"] = [{"id": "eng"}]
    body["metadata"]["related_identifiers"] = [
        {"identifier": "https://doi.org/10.1234/ABC", "relation_type": {"id": "issupplementto"}}
    ]
    md = api("POST", "/records", json=body).json()["metadata"]
    assert md["resource_type"] == {"id": "dataset", "title": {"en": "Dataset"}}
    # bleach with strip=True drops the tag and keeps its text (reference §5.2)
    assert md["description"] == "<p>okalert(1) <em>fine</em></p>"
    person = md["creators"][0]["person_or_org"]
    assert person["name"] == "Doe, Jane"
    assert person["identifiers"] == [{"identifier": "0000-0002-1825-0097", "scheme": "orcid"}]
    assert md["rights"][0]["title"] == {"en": "Creative Commons Attribution 4.0 International"}
    assert md["languages"] == [{"id": "eng", "title": {"en": "English"}}]
    related = md["related_identifiers"][0]
    assert related["identifier"] == "10.1234/ABC" and related["scheme"] == "doi"
    assert related["relation_type"] == {"id": "issupplementto", "title": {"en": "Is supplement to"}}


def test_save_reports_errors_and_drops_invalid_values(api: Api) -> None:
    body = copy.deepcopy(MINIMAL)
    body["metadata"]["publication_date"] = "May 2024"
    del body["metadata"]["creators"]
    draft = api("POST", "/records", json=body).json()
    fields = {e["field"]: e["messages"] for e in draft["errors"]}
    assert fields["metadata.creators"] == ["Missing data for required field."]
    assert fields["metadata.publication_date"] == ["Please provide a valid date or interval."]
    assert "publication_date" not in draft["metadata"]


def test_unknown_top_level_fields_ignored_unknown_vocabulary_refused(api: Api) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    # RDMRecordSchema excludes unknown top-level keys: PUTting a whole GET is tolerated (§2.4)
    whole = api("PUT", f"/records/{draft['id']}/draft", json=draft)
    assert whole.status_code == 200
    assert not [
        e for e in whole.json()["errors"] if not e["field"].startswith(("files.", "metadata.publisher"))
    ]
    nested = copy.deepcopy(MINIMAL)
    nested["metadata"]["keywords"] = ["x"]  # but an unknown key inside metadata is an error, and dropped
    saved = api("PUT", f"/records/{draft['id']}/draft", json=nested).json()
    assert {"field": "metadata.keywords", "messages": ["Unknown field."]} in saved["errors"]
    assert "keywords" not in saved["metadata"]
    bad = copy.deepcopy(MINIMAL)
    bad["metadata"]["resource_type"] = {"id": "spreadsheet"}
    refused = api("PUT", f"/records/{draft['id']}/draft", json=bad)
    assert refused.status_code == 400
    assert refused.json() == {"status": 400, "message": "Invalid value spreadsheet."}


def test_publish_refused_without_files_or_creators(api: Api) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    refused = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert refused.status_code == 400
    body = refused.json()
    assert body["status"] == 400 and body["message"] == "A validation error occurred."
    assert [e["field"] for e in body["errors"]] == ["files.enabled"]

    no_creators = copy.deepcopy(MINIMAL)
    del no_creators["metadata"]["creators"]
    assert api("PUT", f"/records/{draft['id']}/draft", json=no_creators).status_code == 200
    api.upload(draft["id"], "a.txt", b"hello")
    refused = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "metadata.creators", "messages": ["Missing data for required field."]}
    ]


def test_publish_needs_publisher(api: Api) -> None:
    body = copy.deepcopy(MINIMAL)
    del body["metadata"]["publisher"]
    draft = api("POST", "/records", json=body).json()
    api.upload(draft["id"], "a.txt", b"hello")
    refused = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert refused.json()["errors"][0]["field"] == "metadata.publisher"


def test_edit_published_metadata_keeps_files_locked(api: Api) -> None:
    record = api.published()
    rec_id = record["id"]
    edit = api("POST", f"/records/{rec_id}/draft")
    assert edit.status_code == 201
    assert edit.json()["files"]["count"] == 1  # the edit draft shows the record's files
    assert api("POST", f"/records/{rec_id}/draft/files", json=[{"key": "new.txt"}]).status_code == 403
    assert api("DELETE", f"/records/{rec_id}/draft/files/data.csv").status_code == 403
    changed = copy.deepcopy(MINIMAL)
    changed["metadata"]["title"] = "My data, corrected"
    assert api("PUT", f"/records/{rec_id}/draft", json=changed).status_code == 200
    republished = api("POST", f"/records/{rec_id}/draft/actions/publish")
    assert republished.status_code == 202
    after = api("GET", f"/records/{rec_id}").json()
    assert after["metadata"]["title"] == "My data, corrected"
    assert after["revision_id"] > record["revision_id"]
    assert after["pids"]["doi"] == record["pids"]["doi"]


def test_new_version_import_replace_one_file_publish(api: Api) -> None:
    v1 = api("POST", "/records", json=MINIMAL).json()
    api.upload(v1["id"], "keep.txt", b"keep")
    api.upload(v1["id"], "old.txt", b"old")
    assert api("POST", f"/records/{v1['id']}/draft/actions/publish").status_code == 202

    v2 = api("POST", f"/records/{v1['id']}/versions")
    assert v2.status_code == 201
    draft = v2.json()
    assert draft["id"] != v1["id"] and draft["parent"]["id"] == v1["parent"]["id"]
    assert draft["versions"]["index"] == 2 and draft["status"] == "new_version_draft"
    assert draft["files"]["count"] == 0 and "version" not in draft["metadata"]
    assert api("POST", f"/records/{v1['id']}/versions").json()["id"] == draft["id"]  # reused

    imported = api("POST", f"/records/{draft['id']}/draft/actions/files-import")
    assert imported.status_code == 201
    assert [e["key"] for e in imported.json()["entries"]] == ["keep.txt", "old.txt"]
    again = api("POST", f"/records/{draft['id']}/draft/actions/files-import")
    assert again.status_code == 400 and again.json()["message"] == "Please remove all files first."

    assert api("DELETE", f"/records/{draft['id']}/draft/files/old.txt").status_code == 204
    api.upload(draft["id"], "new.txt", b"new")
    assert api("PUT", f"/records/{draft['id']}/draft", json=MINIMAL).status_code == 200
    published = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert published.status_code == 202
    assert published.json()["versions"] == {"index": 2, "is_latest": True, "is_latest_draft": True}
    assert sorted(published.json()["files"]["entries"]) == ["keep.txt", "new.txt"]

    old = api("GET", f"/records/{v1['id']}").json()
    assert old["versions"]["is_latest"] is False
    versions = api("GET", f"/records/{v1['id']}/versions").json()
    assert versions["hits"]["total"] == 2
    latest = api("GET", f"/records/{v1['id']}/versions/latest")
    assert latest.json()["id"] == draft["id"]


def test_discard_draft(api: Api) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    gone = api("DELETE", f"/records/{draft['id']}/draft")
    assert gone.status_code == 204 and gone.content == b""
    assert api("GET", f"/records/{draft['id']}/draft").status_code == 404
    assert api("DELETE", f"/records/{draft['id']}/draft").status_code == 404


def test_file_rules(api: Api, emulator: object) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    rec = draft["id"]
    assert api("POST", f"/records/{rec}/draft/files", json=[{"key": "a.txt"}]).status_code == 201
    again = api("POST", f"/records/{rec}/draft/files", json=[{"key": "a.txt"}])
    assert again.status_code == 400 and again.json()["message"] == "File with key a.txt already exists."
    put = api("PUT", f"/records/{rec}/draft/files/a.txt/content", data=b"")
    assert put.status_code == 200 and put.json()["status"] == "pending" and "checksum" not in put.json()
    empty = api("POST", f"/records/{rec}/draft/files/a.txt/commit")
    assert empty.status_code == 400
    listing = api("GET", f"/records/{rec}/draft/files").json()
    assert set(listing) >= {"enabled", "entries", "links", "order", "default_preview"}
    assert listing["entries"][0]["status"] == "pending"
    too_many = api("POST", f"/records/{rec}/draft/files", json=[{"key": f"f{i}"} for i in range(100)])
    assert too_many.status_code == 400


def test_reserve_doi(api: Api) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    reserved = api("POST", f"/records/{draft['id']}/draft/pids/doi")
    assert reserved.status_code == 201
    assert reserved.json()["pids"]["doi"]["identifier"] == f"10.5072/zenodo.{draft['id']}"
