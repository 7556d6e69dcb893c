"""Write receipts: on an instance whose rewrites the client cannot predict (here an HTML
allow-list without <strong> and <table>), the manifest still converges: one write at most after
the first apply, none after that, and a real change on either side is still seen."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}"}
# invenio-config's default tags less strong, table, tbody, tr, th, td: another instance's choice.
NARROW = [
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "ul",
]


@pytest.fixture
def narrow(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(html_tags=NARROW)


def _describe(manifest: Path, text: str) -> None:
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text(
        "".join(
            f"    description: {json.dumps(text)}\n" if "description:" in line else line for line in lines
        ),
        "utf-8",
    )


def _stored(emulator: Emulator, manifest: Path) -> str:
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    record_id = next(iter(lock["servers"].values()))["hello-zenodo"]["record_id"]
    draft = requests.get(f"{emulator.url}/api/records/{record_id}/draft", headers=AUTH, timeout=10).json()
    return str(draft["metadata"]["description"])


def test_an_unpredicted_rewrite_costs_at_most_one_write(
    narrow: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[[Emulator], int]
) -> None:
    _describe(manifest, "A **bold** claim.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    run(narrow, "apply", str(manifest), "--yes")
    assert "<strong>" not in _stored(narrow, manifest)  # the instance rewrote what we sent
    counts = []
    for _ in range(2):
        narrow.reset_stats()
        result = run(narrow, "apply", str(manifest), "--yes")
        counts.append(writes(narrow))
        assert result["depositions"][0]["error"] is None
    assert counts[0] <= 1 and counts[1] == 0, counts

    _describe(manifest, "A **bolder** claim.\n")  # the manifest changes: written again, once
    narrow.reset_stats()
    plan = run(narrow, "plan", str(manifest), exit_codes=(0, 4))
    assert [a["type"] for a in plan[0]["actions"]] == ["UpdateMetadata"]
    run(narrow, "apply", str(manifest), "--yes")
    narrow.reset_stats()
    again = run(narrow, "apply", str(manifest), "--yes")
    assert again["depositions"][0]["actions"] == [] and writes(narrow) == 0


def test_an_edit_on_the_website_is_still_seen(
    narrow: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    _describe(manifest, "A **bold** claim.\n")
    run(narrow, "apply", str(manifest), "--yes")
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    record_id = next(iter(lock["servers"].values()))["hello-zenodo"]["record_id"]
    url = f"{narrow.url}/api/records/{record_id}/draft"
    draft = requests.get(url, headers=AUTH, timeout=10).json()
    draft["metadata"]["description"] = "<p>Changed by hand.</p>"
    body = {k: draft[k] for k in ("metadata", "access", "custom_fields", "files")}
    assert requests.put(url, json=body, headers=AUTH, timeout=10).status_code == 200
    plan = run(narrow, "plan", str(manifest), exit_codes=(0, 4))
    changes = [a["text"] for a in plan[0]["actions"]]
    assert any(text.startswith("~ description") for text in changes), changes
