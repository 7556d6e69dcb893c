"""Issue 9 regressions, end to end against the emulator: identity and the shape of stored fields.

Each test names the server source whose behaviour it checks; the emulator models that server
(tests/conformance checks it against InvenioRDM). Values on the wire are read back through the
API as a user would see them. Fields and save errors: test_server_fidelity_fields.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}", "Accept": "application/vnd.inveniordm.v1+json"}
OTHER_TOKEN = "colleague-token"


def lock_entry(manifest: Path) -> dict[str, Any]:
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    return dict(next(iter(lock["servers"].values()))["hello-zenodo"])


def get(emulator: Emulator, path: str, token: str = LOCAL_TOKEN, **params: Any) -> Any:
    headers = {**AUTH, "Authorization": f"Bearer {token}"}
    answer = requests.get(f"{emulator.url}{path}", headers=headers, params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def my_records(emulator: Emulator) -> list[dict[str, Any]]:
    """Every draft and version the local user owns (none shared with them)."""
    found = get(emulator, "/api/user/records", allversions="true", shared_with_me="false", size=100)
    return list(found["hits"]["hits"])


def set_title(manifest: Path, title: str) -> None:
    manifest.write_text(manifest.read_text().replace("title: Hello Zenodo", f"title: {title}"))


def test_a_concept_id_pin_edits_the_latest_version_and_locks_its_own_id(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """invenio-rdm-records resources/resources.py: GET /api/records/{parent id} redirects to the
    latest version; the pin must be followed to that record, not used as a record id."""
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    first = lock_entry(manifest)
    (manifest.parent / "data.csv").write_text("sample,value\na,9\n")
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    latest = lock_entry(manifest)
    assert latest["record_id"] != first["record_id"] and latest["parent_id"] == first["parent_id"]
    concept = latest["parent_id"]
    assert concept not in (first["record_id"], latest["record_id"])

    manifest.with_name("zenodeploy.yaml.lock").unlink()
    text = manifest.read_text().replace(
        "  - key: hello-zenodo\n", f'  - key: hello-zenodo\n    record: "{concept}"\n'
    )
    manifest.write_text(text)
    set_title(manifest, "Hello Zenodo, edited")
    emulator.reset_stats()
    outcome = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]

    assert outcome["error"] is None and outcome["record_id"] == latest["record_id"]
    assert emulator.stats()["routes"].get("POST /api/records", 0) == 0  # no duplicate
    assert (
        get(emulator, f"/api/records/{latest['record_id']}/draft")["metadata"]["title"]
        == "Hello Zenodo, edited"
    )
    assert get(emulator, f"/api/records/{first['record_id']}")["metadata"]["title"] == "Hello Zenodo"
    assert lock_entry(manifest)["record_id"] == latest["record_id"]
    assert len({r["parent"]["id"] for r in my_records(emulator)}) == 1
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert (again["record_id"], again["actions"]) == (latest["record_id"], [])
    assert writes(emulator) == 0


def test_a_title_fixed_by_ftfy_is_found_again_without_the_lock(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """marshmallow-utils fields/sanitizedunicode.py: titles are stored through ftfy (curly quotes,
    ligatures, full-width letters); the title search must look for the stored form."""
    manifest.write_text(
        manifest.read_text().replace("title: Hello Zenodo", "title: '“Ｆｕｌｌ” ﬁnal results'")
    )
    created = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert (
        get(emulator, f"/api/records/{created['record_id']}/draft")["metadata"]["title"]
        == '"Full" final results'
    )

    manifest.with_name("zenodeploy.yaml.lock").unlink()
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert (again["record_id"], again["actions"], again["error"]) == (created["record_id"], [], None)
    assert writes(emulator) == 0
    assert [r["id"] for r in my_records(emulator)] == [created["record_id"]]


def test_a_record_shared_with_me_is_not_adopted_by_title(
    make_emulator: Callable[..., Emulator], manifest: Path, run: Callable[..., Any]
) -> None:
    """invenio-rdm-records services/search_params.py SharedOrMyDraftsParam: /api/user/records
    includes records others shared with the user unless shared_with_me=false."""
    emulator = make_emulator(tokens={LOCAL_TOKEN: "local", OTHER_TOKEN: "colleague"})
    body = {"metadata": {"title": "Hello Zenodo", "resource_type": {"id": "dataset"}, "creators": []}}
    headers = {**AUTH, "Authorization": f"Bearer {OTHER_TOKEN}"}
    answer = requests.post(f"{emulator.url}/api/records", json=body, headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    theirs = str(answer.json()["id"])
    emulator.share(theirs, "local", "edit")
    shared = get(emulator, "/api/user/records", q='metadata.title:"Hello Zenodo"')["hits"]["hits"]
    assert [r["id"] for r in shared] == [theirs]  # the server would offer it to a plain search

    plan = run(emulator, "plan", str(manifest))
    assert plan[0]["found_by"] == "none"
    emulator.reset_stats()
    outcome = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]

    assert outcome["error"] is None and outcome["record_id"] != theirs
    assert emulator.stats()["routes"].get("POST /api/records", 0) == 1
    assert lock_entry(manifest)["record_id"] == outcome["record_id"]
    untouched = get(emulator, f"/api/records/{theirs}/draft", token=OTHER_TOKEN)
    assert untouched["metadata"]["title"] == "Hello Zenodo" and "description" not in untouched["metadata"]
    assert untouched["metadata"].get("creators", []) == []
    assert [r["id"] for r in my_records(emulator)] == [outcome["record_id"]]
