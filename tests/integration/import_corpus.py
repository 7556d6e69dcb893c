"""Twenty varied published records made through the emulator's API, for the import tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulator"))  # the suite's RDM client
from rdm_client import Api


def _person(i: int, *, orcid: bool = False, ror: bool = False) -> dict[str, Any]:
    person: dict[str, Any] = {
        "person_or_org": {"type": "personal", "family_name": f"Family{i}", "given_name": f"Given{i}"}
    }
    if orcid:
        person["person_or_org"]["identifiers"] = [{"scheme": "orcid", "identifier": "0000-0002-1825-0097"}]
    person["affiliations"] = [{"id": "05dxps055"}] if ror else [{"name": f"Institute {i}"}]
    return person


def payload(i: int) -> dict[str, Any]:
    """Record ``i``'s metadata: every record differs, and together they use every mapped field."""
    md: dict[str, Any] = {
        "resource_type": {"id": ["dataset", "software", "publication-article", "image-figure"][i % 4]},
        "title": f"Imported record {i}" if i != 7 else "Imported record 3",  # two records share a title
        "creators": [_person(i, orcid=i % 2 == 0, ror=i % 3 == 0), _person(i + 100)],
        "publication_date": f"2023-0{1 + i % 9}-1{i % 10}",
        "publisher": "Zenodo",
        "description": f"<p>Record {i} with <strong>bold</strong> text.</p><ul><li>one</li><li>two</li></ul>",
    }
    if i % 5 == 0:
        md["creators"].append({"person_or_org": {"type": "organizational", "name": f"Consortium {i}"}})
    if i % 2 == 1:
        md["rights"] = [{"id": "cc-by-4.0"}]
    if i % 4 == 1:
        md["subjects"] = [{"subject": "spectroscopy"}, {"subject": f"keyword {i}"}]
    if i % 3 == 1:
        md["related_identifiers"] = [
            {
                "identifier": "10.1021/acs.jchemed.0c00001",
                "relation_type": {"id": "issupplementto"},
                "scheme": "doi",
            },
            {
                "identifier": "https://example.org/page",
                "relation_type": {"id": "references"},
                "scheme": "url",
            },
        ]
    if i % 4 == 2:
        md["funding"] = [
            {"funder": {"id": "00k4n6c32"}, "award": {"number": "12345", "title": {"en": "A grant"}}}
        ]
    if i % 5 == 3:
        md["dates"] = [{"date": "2022-01/2022-06", "type": {"id": "collected"}, "description": "fieldwork"}]
    if i % 6 == 4:
        md["locations"] = {
            "features": [{"place": "Geneva", "geometry": {"type": "Point", "coordinates": [6.14, 46.2]}}]
        }
    if i % 7 == 5:
        md["languages"] = [{"id": "eng"}]
        md["version"] = f"1.{i}"
    if i % 8 == 6:
        md["additional_descriptions"] = [{"description": "<p>Measured twice.</p>", "type": {"id": "methods"}}]
        md["references"] = [{"reference": "Doe J. (2020) A paper."}]
    if i == 9:  # things the manifest cannot say: an additional title, an alternate identifier
        md["additional_titles"] = [{"title": "Another title", "type": {"id": "alternative-title"}}]
        md["identifiers"] = [{"identifier": "https://example.org/id/9", "scheme": "url"}]
    if i == 12:  # owned fields the manifest cannot say: left to the server
        md["creators"][1]["person_or_org"]["identifiers"] = [{"scheme": "gnd", "identifier": "118540238"}]
        md["additional_descriptions"] = [{"description": "<p>Other.</p>", "type": {"id": "other"}}]
    if i == 14:  # a location without a place: the manifest needs one (a schema error): left to the server
        md["locations"] = {
            "features": [{"description": "a site", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}}]
        }
    if i % 9 == 8:
        md["contributors"] = [{**_person(i + 200), "role": {"id": "datacollector"}}]
    body: dict[str, Any] = {"metadata": md}
    if i == 10:
        body["access"] = {
            "record": "public",
            "files": "restricted",
            "embargo": {"active": True, "until": "2031-01-01", "reason": "patent"},
        }
    if i == 11:
        body["custom_fields"] = {"code:codeRepository": "https://github.com/example/tool"}
    return body


def make_records(
    api: Api, count: int = 20, *, community: str | None = None, admin: str = ""
) -> list[dict[str, Any]]:
    """``count`` published records (record 2 with three versions, record 4 with two files)."""
    out = []
    for i in range(count):
        draft = api("POST", "/records", json=payload(i)).json()
        assert "id" in draft, draft
        api.upload(draft["id"], "data.csv", f"a,b\n{i},2\n".encode())
        if i == 4:
            api.upload(draft["id"], "notes/readme.txt", b"read me\n")
        record = _publish(api, draft["id"])
        for version in (2, 3) if i == 2 else ():
            new = api("POST", f"/records/{record['id']}/versions").json()
            api("POST", f"/records/{new['id']}/draft/actions/files-import")
            api(
                "PUT",
                f"/records/{new['id']}/draft",
                json={**payload(i), "metadata": {**payload(i)["metadata"], "version": f"v{version}"}},
            )
            record = _publish(api, new["id"])
        if community is not None and i % 4 == 3:
            answer = api(
                "POST", f"/records/{record['id']}/communities", json={"communities": [{"id": community}]}
            ).json()
            processed = answer["processed"][0]
            if processed["request"]["status"] != "accepted":  # a curator's own request is accepted at once
                accept = api(
                    "POST",
                    f"/_emulator/requests/{processed['request_id']}/accept",
                    headers={"Authorization": f"Bearer {admin}"},
                )
                assert accept.status_code == 200, accept.text
        if i == 13:  # an edit left open on the website
            api("POST", f"/records/{record['id']}/draft")
            edited = {
                **payload(i),
                "metadata": {**payload(i)["metadata"], "title": "Imported record 13 (edited)"},
            }
            api("PUT", f"/records/{record['id']}/draft", json=edited)
        out.append(record)
    return out


def _publish(api: Api, record_id: str) -> dict[str, Any]:
    response = api("POST", f"/records/{record_id}/draft/actions/publish")
    assert response.status_code == 202, response.text
    published: dict[str, Any] = response.json()
    return published
