"""Regressions from review: always the newest version, identifiers as the server stores them,
and fields removed from the manifest removed from the record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_clock import FakeClock
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}", "Accept": "application/vnd.inveniordm.v1+json"}


def versions(emulator: Emulator, record: str) -> list[str]:
    hits = requests.get(f"{emulator.url}/api/records/{record}/versions", headers=AUTH, timeout=10).json()
    return sorted(str(h["id"]) for h in hits["hits"]["hits"])


def lock_entry(manifest: Path) -> dict:
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    return next(iter(lock["servers"].values()))["hello-zenodo"]


def test_a_pin_to_an_older_version_compares_with_the_newest(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    first_doi = lock_entry(manifest)["doi"]
    (manifest.parent / "data.csv").write_text("sample,value\na,9\n")
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    manifest.with_name("zenodeploy.yaml.lock").unlink()
    text = manifest.read_text().replace(
        "  - key: hello-zenodo\n", f'  - key: hello-zenodo\n    record: "{first_doi}"\n'
    )
    manifest.write_text(text)
    emulator.reset_stats()
    for _ in range(2):
        plan = run(emulator, "plan", str(manifest))
        assert plan[0]["actions"] == []
    assert writes(emulator) == 0


def test_a_publish_whose_answer_and_check_were_lost_is_not_published_twice(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], fast_retries: FakeClock
) -> None:
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    first = lock_entry(manifest)["record_id"]
    (manifest.parent / "data.csv").write_text("sample,value\na,9\n")
    new = str(int(first) + 1)  # the emulator numbers the next version's draft next
    emulator.add_fault("POST", rf"^/api/records/{new}/draft/actions/publish$", status=504, after=True)
    emulator.add_fault("GET", rf"^/api/records/{new}$", status=500, times=20)
    lost = run(emulator, "apply", str(manifest), "--yes", "--publish", exit_codes=(1,))["depositions"][0]
    assert lost["state"] == "failed" and "may nevertheless have published the record" in lost["error"]
    # The publish answered 504, so the run re-read the record: 500 five times, backing off 1, 2, 4, 8 s.
    assert fast_retries.sleeps == [1.0, 2.0, 4.0, 8.0]
    emulator.clear_faults()
    emulator.reset_stats()
    final = run(emulator, "apply", str(manifest), "--yes", "--publish")
    assert final["depositions"][0]["actions"] == []
    assert emulator.stats()["routes"].get("POST /api/records/{id}/draft/actions/publish", 0) == 0
    assert len(versions(emulator, first)) == 2


def test_a_version_published_elsewhere_is_the_base_of_the_next_one(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    first = lock_entry(manifest)["record_id"]
    # Someone publishes a new version in the web UI, adding a file the manifest does not list.
    draft = requests.post(f"{emulator.url}/api/records/{first}/versions", headers=AUTH, timeout=10).json()
    new = str(draft["id"])
    requests.post(f"{emulator.url}/api/records/{new}/draft/actions/files-import", headers=AUTH, timeout=10)
    requests.post(
        f"{emulator.url}/api/records/{new}/draft/files", json=[{"key": "extra.txt"}], headers=AUTH, timeout=10
    )
    requests.put(
        f"{emulator.url}/api/records/{new}/draft/files/extra.txt/content",
        data=b"extra",
        headers={**AUTH, "Content-Type": "application/octet-stream"},
        timeout=10,
    )
    requests.post(f"{emulator.url}/api/records/{new}/draft/files/extra.txt/commit", headers=AUTH, timeout=10)
    body = {"metadata": {**draft["metadata"], "version": "2.0-web", "publication_date": "2024-01-01"}}
    requests.put(f"{emulator.url}/api/records/{new}/draft", json=body, headers=AUTH, timeout=10)
    assert (
        requests.post(
            f"{emulator.url}/api/records/{new}/draft/actions/publish", headers=AUTH, timeout=10
        ).status_code
        == 202
    )

    plan = run(emulator, "plan", str(manifest))[0]
    texts = [a["text"] for a in plan["actions"]]
    assert plan["record_id"] == new
    assert "- delete extra.txt" in texts and any(t.startswith("↻ new version") for t in texts)
    out = run(emulator, "apply", str(manifest), "--yes", "--publish")["depositions"][0]
    files = requests.get(
        f"{emulator.url}/api/records/{out['record_id']}/files", headers=AUTH, timeout=10
    ).json()
    assert sorted(e["key"] for e in files["entries"]) == ["data.csv"]


@pytest.mark.parametrize(
    "identifier", ["'2101.00002'", "arxiv:2101.00001", "doi.org/10.1234/abc", "https://doi.org/10.1234/abc"]
)
def test_identifier_forms_compare_equal_after_the_server_normalises_them(
    emulator: Emulator, manifest: Path, identifier: str, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    text = (
        manifest.read_text()
        + f"    related_identifiers:\n      - identifier: {identifier}\n        relation: References\n"
    )
    manifest.write_text(text)
    run(emulator, "apply", str(manifest), "--yes")
    emulator.reset_stats()
    assert run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["actions"] == []
    assert writes(emulator) == 0


def test_fields_removed_from_the_manifest_are_removed_from_the_record(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    extra = (
        "    keywords: [soil]\n    version: '1.0'\n    contributors: [{family: Roe, role: datacurator}]\n"
        "    journal: {title: Journal of Things}\n"
    )
    manifest.write_text(manifest.read_text() + extra)
    run(emulator, "apply", str(manifest), "--yes")
    manifest.write_text(manifest.read_text().replace(extra, ""))
    texts = [a["text"] for a in run(emulator, "plan", str(manifest))[0]["actions"]]
    assert "\n".join(texts).splitlines() == [
        '- contributor "Roe"',
        '- keyword "soil"',
        '~ version: "1.0" → (unset)',
        '~ journal.title: "Journal of Things" → (unset)',
    ]
    out = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    record = requests.get(
        f"{emulator.url}/api/records/{out['record_id']}/draft", headers=AUTH, timeout=10
    ).json()
    assert not record["metadata"].get("contributors") and not record["metadata"].get("subjects")
    assert "version" not in record["metadata"] and "journal:journal" not in record.get("custom_fields", {})
    emulator.reset_stats()
    assert run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["actions"] == []
