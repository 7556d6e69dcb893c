"""The InvenioRDM REST API documentation's flows replayed against the emulator.

Requests are those of ``docs-invenio-rdm`` (``rest_api_quickstart.md``,
``rest_api_drafts_records.md``): create a draft, upload in three steps, publish, then a new
version. Assertions cover the status codes and the fields a client reads from the answers.
"""

from __future__ import annotations

import hashlib

from rdm_client import Api

DOCS_DRAFT = {
    "metadata": {
        "title": "Poltergeist activity readings dataset",
        "creators": [
            {
                "person_or_org": {
                    "given_name": "Josiah",
                    "family_name": "Carberry",
                    "type": "personal",
                    "identifiers": [{"identifier": "0000-0002-1825-0097"}],
                },
                "affiliations": [{"name": "Brown University"}],
            }
        ],
        "publisher": "InvenioRDM",
        "publication_date": "2024-05-14",
        "resource_type": {"id": "dataset"},
    }
}
CSV = b"time,reading\n" + b"".join(f"{i},{i * 0.5}\n".encode() for i in range(10))


def test_quickstart_create_upload_publish(api: Api) -> None:
    created = api("POST", "/records", json=DOCS_DRAFT, headers={"Content-Type": "application/json"})
    assert created.status_code == 201
    draft = created.json()
    assert (draft["is_draft"], draft["is_published"], draft["status"]) == (True, False, "draft")
    assert draft["pids"] == {}
    assert draft["versions"] == {"is_latest_draft": True, "index": 1, "is_latest": False}
    assert draft["access"]["status"] == "metadata-only"
    assert draft["files"]["enabled"] is True
    person = draft["metadata"]["creators"][0]["person_or_org"]
    assert person["name"] == "Carberry, Josiah"
    assert person["identifiers"] == [{"identifier": "0000-0002-1825-0097", "scheme": "orcid"}]
    assert draft["metadata"]["resource_type"]["title"]["en"] == "Dataset"
    links = draft["links"]
    assert links["self"] == f"{api.url}/api/records/{draft['id']}/draft"
    assert links["self_html"] == f"{api.url}/uploads/{draft['id']}"
    for name in ("files", "record", "publish", "review", "versions", "reserve_doi", "communities"):
        assert name in links

    init = api("POST", links["files"].removeprefix(f"{api.url}/api"), json=[{"key": "data.csv"}])
    assert init.status_code == 201
    entry = init.json()["entries"][0]
    assert (entry["key"], entry["status"], entry["metadata"]) == ("data.csv", "pending", None)
    assert set(entry["links"]) >= {"self", "content", "commit"}

    content = api.session.put(
        entry["links"]["content"], data=CSV, headers={"Content-Type": "application/octet-stream"}, timeout=30
    )
    assert content.status_code == 200 and content.json()["status"] == "pending"
    commit = api.session.post(entry["links"]["commit"], timeout=30)
    assert commit.status_code == 200
    committed = commit.json()
    assert committed["status"] == "completed"
    assert committed["checksum"] == f"md5:{hashlib.md5(CSV).hexdigest()}"
    assert committed["size"] == len(CSV) and committed["mimetype"] == "text/csv"

    publish = api.session.post(links["publish"], timeout=30)
    assert publish.status_code == 202
    record = publish.json()
    assert (record["is_draft"], record["is_published"], record["status"]) == (False, True, "published")
    assert record["access"]["status"] == "open"
    assert record["pids"]["doi"]["provider"] == "datacite" and record["pids"]["oai"]["provider"] == "oai"
    assert record["versions"] == {"is_latest_draft": True, "index": 1, "is_latest": True}
    assert record["links"]["self"] == f"{api.url}/api/records/{record['id']}"
    for name in ("self_html", "doi", "files", "latest", "latest_html", "draft", "versions"):
        assert name in record["links"]


def test_drafts_records_new_version_flow(api: Api) -> None:
    first = api.published()
    new = api.session.post(first["links"]["versions"], timeout=30)
    assert new.status_code == 201
    draft = new.json()
    assert draft["parent"]["id"] == first["parent"]["id"]
    assert draft["versions"]["index"] == 2 and draft["is_published"] is False
    assert draft["metadata"]["title"] == first["metadata"]["title"]
    assert draft["files"]["count"] == 0
    importing = api("POST", f"/records/{draft['id']}/draft/actions/files-import")
    assert importing.status_code == 201
    api.session.put(
        draft["links"]["self"], json={"metadata": draft["metadata"]}, timeout=30
    ).raise_for_status()
    published = api.session.post(draft["links"]["publish"], timeout=30)
    assert published.status_code == 202
    assert published.json()["pids"]["doi"]["identifier"] != first["pids"]["doi"]["identifier"]
    assert published.json()["parent"]["pids"] == first["parent"]["pids"]
    versions = api("GET", f"/records/{first['id']}/versions").json()
    assert [h["versions"]["index"] for h in versions["hits"]["hits"]] == [2, 1]
