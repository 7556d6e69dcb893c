"""Differential test: the emulator's metadata loading against InvenioRDM's ``RDMRecordSchema``.

Every payload of ``corpus.py`` is POSTed to a running emulator (its real HTTP API) and
loaded by InvenioRDM's own schema (``invenio_loader.py``). What the emulator stores must
equal marshmallow's ``valid_data`` there, and the emulator's ``errors`` must equal the
schema's, field path by field path. The emulator's additions beyond the schema are
projected away first: vocabulary titles and license details (the server's dereferencing,
a database matter) and the errors of other components (``files.*``, the DataCite
publisher check). A payload with an unknown vocabulary id must be refused by the emulator
(400) while the schema loads it: id checks happen at commit, after the schema.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from corpus import GENERATED, client_payloads, corpus
from invenio_side import invenio_load

from zenodeploy.emulator import LOCAL_TOKEN, start

pytestmark = pytest.mark.slow
CASES = corpus()
OTHER_COMPONENTS = ("files.", "access.", "pids.")
DOI_CHECK = ("metadata.publisher", "Missing publisher field required for DOI registration.")


def test_corpus_size() -> None:
    names = [name for name, _ in CASES]
    assert len(names) == len(set(names))
    assert sum(n.startswith("generated-") for n in names) == GENERATED >= 300
    assert len(client_payloads()) >= 7  # every deposition of every example + the all-fields manifest


@pytest.fixture(scope="module")
def invenio() -> dict[str, dict[str, Any]]:
    results = invenio_load([copy.deepcopy(body) for _, body in CASES])
    return {name: result for (name, _), result in zip(CASES, results, strict=True)}


@pytest.fixture(scope="module")
def emulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, requests.Response]]:
    data_dir: Path = tmp_path_factory.mktemp("conformance")
    with start(data_dir) as emulator, requests.Session() as session:
        session.headers.update(
            {"Authorization": f"Bearer {LOCAL_TOKEN}", "Accept": "application/vnd.inveniordm.v1+json"}
        )
        yield {
            name: session.post(f"{emulator.url}/api/records", json=body, timeout=30) for name, body in CASES
        }


def _strip_titles(value: Any) -> Any:
    return {k: v for k, v in value.items() if k != "title"} if isinstance(value, dict) else value


def project(md: dict[str, Any]) -> dict[str, Any]:
    """Stored metadata without what dereferencing adds (applied to both sides)."""
    out = copy.deepcopy(md)
    if "resource_type" in out:
        out["resource_type"] = _strip_titles(out["resource_type"])
    for key in ("creators", "contributors"):
        for person in out.get(key, []):
            if "role" in person:
                person["role"] = _strip_titles(person["role"])
            # an affiliation given by id is named from ROR on read (the affiliations relation)
            if "affiliations" in person:
                person["affiliations"] = [
                    {"id": a["id"]} if isinstance(a, dict) and "id" in a else a
                    for a in person["affiliations"]
                ]
    out["languages"] = [_strip_titles(x) for x in out.get("languages", [])] or None
    for key in ("additional_titles", "additional_descriptions", "dates"):
        for item in out.get(key, []):
            for ref in ("type", "lang"):
                if ref in item:
                    item[ref] = _strip_titles(item[ref])
    for item in out.get("related_identifiers", []):
        for ref in ("relation_type", "resource_type"):
            if ref in item:
                item[ref] = _strip_titles(item[ref])
    # a license id is dereferenced over whatever was sent with it (invenio-records relations)
    deref = ("title", "description", "icon", "props")
    out["rights"] = [
        {k: v for k, v in r.items() if k not in deref} if "id" in r else r for r in out.get("rights", [])
    ] or None
    return {k: v for k, v in out.items() if v is not None}


def project_custom(cf: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(cf)
    if "code:programmingLanguage" in out:
        out["code:programmingLanguage"] = [_strip_titles(x) for x in out["code:programmingLanguage"]]
    if "code:developmentStatus" in out:
        out["code:developmentStatus"] = _strip_titles(out["code:developmentStatus"])
    return out


def by_field(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        if error["field"].startswith(OTHER_COMPONENTS):
            continue
        messages = [m for m in error["messages"] if (error["field"], m) != DOI_CHECK]
        if messages:
            grouped.setdefault(error["field"], []).extend(str(m) for m in messages)
    return {field: sorted(messages) for field, messages in grouped.items()}


@pytest.mark.parametrize("name", [name for name, _ in CASES])
def test_emulator_loads_like_invenio(
    name: str, invenio: dict[str, dict[str, Any]], emulated: dict[str, requests.Response]
) -> None:
    expected, response = invenio[name], emulated[name]
    if expected["data"] is None:  # InvenioRDM's validator crashed (edtf on some inputs): a 500
        assert response.status_code == 500, (expected["errors"], response.text[:500])
        return
    if response.status_code == 400 and "errors" not in response.json():
        # a vocabulary id the schema cannot check; the emulator refuses it like the commit does
        message = response.json()["message"]
        assert message.startswith("Invalid value ") or message == "Not a valid value.", message
        return
    assert response.status_code == 201, response.text[:1000]
    got = response.json()
    want_md = expected["data"].get("metadata") or {}
    want_cf = expected["data"].get("custom_fields") or {}
    assert project(got["metadata"]) == project(want_md), json.dumps(expected["errors"], ensure_ascii=False)
    assert project_custom(got["custom_fields"]) == want_cf
    assert by_field(got.get("errors", [])) == by_field(expected["errors"])  # absent when none
