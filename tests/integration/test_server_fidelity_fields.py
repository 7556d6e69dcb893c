"""Issue 9 regressions, end to end against the emulator: fields as the server stores them.

Each test names the server source whose behaviour it checks; the emulator models that server
(tests/conformance checks it against InvenioRDM). Identity: test_server_fidelity.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}", "Accept": "application/vnd.inveniordm.v1+json"}


def add(manifest: Path, yaml: str) -> None:
    """Append keys to the example's one deposition (``yaml`` indented as its keys are)."""
    manifest.write_text(manifest.read_text() + yaml)


def record_id(manifest: Path) -> str:
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    return str(next(iter(lock["servers"].values()))["hello-zenodo"]["record_id"])


def draft(emulator: Emulator, record: str) -> dict[str, Any]:
    answer = requests.get(f"{emulator.url}/api/records/{record}/draft", headers=AUTH, timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def validate(manifest: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    return result.exit_code, result.stdout + result.stderr


def line_of(manifest: Path, text: str) -> int:
    return next(n for n, line in enumerate(manifest.read_text().splitlines(), 1) if text in line)


def apply_twice(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> dict[str, Any]:
    """Apply, then apply again: the second run must write nothing. Returns the stored draft."""
    outcome = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert outcome["error"] is None, outcome
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert again["actions"] == [] and writes(emulator) == 0, again
    return draft(emulator, outcome["record_id"])


def test_programming_languages_are_sent_as_vocabulary_ids_and_checked_offline(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """zenodo-rdm site/zenodo_rdm/custom_fields.py: code:programmingLanguage is a vocabulary
    field (code:programmingLanguages); a name is an unknown id, the server wants the id."""
    add(manifest, '    software:\n      language: ["Python", "Jupyter Notebook"]\n')
    stored = apply_twice(emulator, manifest, run, writes)
    languages = stored["custom_fields"]["code:programmingLanguage"]
    assert [entry["id"] for entry in languages] == ["python", "jupyter_notebook"]

    manifest.write_text(manifest.read_text().replace('"Python", ', '"Pyhton", '))
    emulator.reset_stats()
    code, output = validate(manifest)
    assert code == 1
    line = line_of(manifest, "Pyhton")
    assert f"zenodeploy.yaml:{line}:" in output and "'Pyhton'" in output
    assert "did you mean 'Python'?" in output
    assert emulator.stats()["requests"] == {}  # offline


def test_a_thesis_is_the_one_nested_thesis_field(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """invenio-rdm-records contrib/thesis/custom_fields.py: Zenodo's thesis is one nested field
    thesis:thesis (thesis:university alone is 'Unknown field.')."""
    add(
        manifest,
        "    thesis:\n      university: University of Geneva\n      department: Physics\n      type: PhD\n",
    )
    stored = apply_twice(emulator, manifest, run, writes)
    thesis = {k: v for k, v in stored["custom_fields"].items() if k.startswith("thesis:")}
    assert thesis == {
        "thesis:thesis": {"university": "University of Geneva", "department": "Physics", "type": "PhD"}
    }
    assert not stored.get("errors")


def test_a_ror_affiliation_named_by_the_server_converges(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """invenio-rdm-records records/api.py (affiliations relation): an affiliation with a ROR id is
    stored with ROR's name, whatever name was sent."""
    manifest.write_text(
        manifest.read_text().replace(
            "        orcid: 0000-0002-1825-0097",
            '        orcid: 0000-0002-1825-0097\n        affiliations: [{ror: 01ggx4157, name: "CERN"}]',
        )
    )
    stored = apply_twice(emulator, manifest, run, writes)
    affiliations = stored["metadata"]["creators"][0]["affiliations"]
    assert [(a["id"], a["name"]) for a in affiliations] == [
        ("01ggx4157", "European Organization for Nuclear Research")
    ]
    # Without the lock (a fresh CI checkout) no receipt of the first save hides a difference.
    manifest.with_name("zenodeploy.yaml.lock").unlink()
    emulator.reset_stats()
    fresh = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert fresh["actions"] == [] and writes(emulator) == 0, fresh


def test_a_field_the_server_drops_from_a_save_fails_the_deposition_before_publishing(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    """invenio-drafts-resources services/records/service.py: create/update_draft answer 201/200
    with ``errors`` and store the rest; a raw custom field is not checked offline."""
    add(manifest, '    custom_fields: {"journal:journal": {"title": "J. Test", "issn": "not-an-issn"}}\n')
    assert validate(manifest)[0] == 0  # raw custom fields pass through unchecked
    emulator.reset_stats()
    result = run(emulator, "apply", str(manifest), "--yes", "--publish", exit_codes=(1,))
    outcome = result["depositions"][0]
    assert outcome["state"] == "failed"
    assert "custom_fields.journal:journal.issn" in outcome["error"] and "ISSN" in outcome["error"]
    routes = emulator.stats()["routes"]
    assert not any("publish" in route for route in routes), routes
    stored = draft(emulator, outcome["record_id"] or record_id(manifest))
    assert stored["is_published"] is False
    assert "issn" not in stored["custom_fields"].get("journal:journal", {})


def test_a_bare_pmid_is_detected_as_the_server_does_and_an_invalid_isbn_is_refused_offline(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    """marshmallow-utils schemas/identifier.py: a missing scheme is the first idutils detects
    that the field allows (12345678 is a PMID, not an ISBN); a given scheme is checked."""
    add(manifest, '    related_identifiers:\n      - identifier: "12345678"\n        relation: cites\n')
    stored = apply_twice(emulator, manifest, run, writes)
    related = stored["metadata"]["related_identifiers"]
    assert [(r["identifier"], r["scheme"]) for r in related] == [("12345678", "pmid")]

    manifest.write_text(
        manifest.read_text().replace('"12345678"', '"978-3-16-148410-1"\n        scheme: isbn')
    )
    emulator.reset_stats()
    code, output = validate(manifest)
    assert code == 1
    line = line_of(manifest, "978-3-16-148410-1")
    assert f"zenodeploy.yaml:{line}:" in output and "not a valid isbn identifier" in output
    assert emulator.stats()["requests"] == {}  # offline


def test_a_default_preview_chosen_on_the_server_survives_a_metadata_update(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    """invenio-drafts-resources services/records/components/base.py: a draft PUT resets what it
    omits, files.default_preview included; the client must send back the server's choice."""
    record = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["record_id"]
    current = draft(emulator, record)
    body = {key: current[key] for key in ("metadata", "access", "custom_fields")}
    body["files"] = {"enabled": True, "default_preview": "data.csv"}
    answer = requests.put(f"{emulator.url}/api/records/{record}/draft", json=body, headers=AUTH, timeout=10)
    assert answer.status_code == 200, answer.text
    assert draft(emulator, record)["files"]["default_preview"] == "data.csv"

    manifest.write_text(manifest.read_text().replace("title: Hello Zenodo", "title: Hello again"))
    emulator.reset_stats()
    outcome = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert outcome["error"] is None
    assert emulator.stats()["routes"].get("PUT /api/records/{id}/draft") == 1
    stored = draft(emulator, record)
    assert stored["metadata"]["title"] == "Hello again"
    assert stored["files"]["default_preview"] == "data.csv"
