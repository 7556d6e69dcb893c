"""A lab notebook export applied to the emulator: `where` on a notebook property, no writes when
nothing changed, and a new export with one changed file re-sends only that sample's file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from eln_export import write_export
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

MANIFEST = """\
version: 1
samples:
  lab: {eln: exports/notebook.eln}
defaults:
  resource_type: dataset
  publication_date: "2024-05-01"
  license: cc-by-4.0
  creators: [{family: Doe, given: Jane}]
depositions:
  - key: packed
    title: Compounds in chloroform, one archive each
    samples: {from: lab, where: {properties.solvent: CDCl3}}
    pack: per-sample
  - key: plain
    title: Compounds in chloroform, file by file
    samples: {from: lab, where: {properties.solvent: CDCl3}}
"""


def samples(changed: str = "") -> dict[str, Any]:
    return {
        f"c{i}": {
            "name": name,
            "properties": {"solvent": solvent, "mass": 100 + i},
            "files": {
                "1H.jdx": f"##TITLE={name} 1H\n",
                "spectra/IR.jdx": f"##TITLE={name} IR\n{changed * (i == 0)}",
            },
        }
        for i, (name, solvent) in enumerate(
            [("aspirin", "CDCl3"), ("caffeine", "DMSO-d6"), ("menthol", "CDCl3")]
        )
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "exports").mkdir()
    write_export(tmp_path / "exports" / "notebook.eln", samples())
    (tmp_path / "zenodeploy.yaml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return tmp_path / "zenodeploy.yaml"


def files_of(emulator: Emulator, project: Path, key: str) -> dict[str, str]:
    lock = json.loads(project.with_name("zenodeploy.yaml.lock").read_text())
    record_id = next(iter(lock["servers"].values()))[key]["record_id"]
    listing = requests.get(
        f"{emulator.url}/api/records/{record_id}/draft/files",
        headers={"Authorization": f"Bearer {LOCAL_TOKEN}"},
        timeout=10,
    ).json()
    return {e["key"]: e["checksum"] for e in listing["entries"]}


def test_an_export_applies_once_then_writes_nothing_and_resends_only_a_changed_file(
    emulator: Emulator, project: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    first = run(emulator, "apply", str(project), "--yes")
    assert all(d["error"] is None for d in first["depositions"]), first
    packed = files_of(emulator, project, "packed")
    assert sorted(packed) == ["aspirin.zip", "menthol.zip"]
    plain = files_of(emulator, project, "plain")
    assert sorted(plain) == [
        "aspirin/1H.jdx",
        "aspirin/spectra/IR.jdx",
        "menthol/1H.jdx",
        "menthol/spectra/IR.jdx",
    ]

    emulator.reset_stats()
    second = run(emulator, "apply", str(project), "--yes")
    assert [d["actions"] for d in second["depositions"]] == [[], []]
    assert writes(emulator) == 0

    write_export(project.parent / "exports" / "notebook.eln", samples(changed="##$CHANGED= yes\n"))
    emulator.reset_stats()
    third = run(emulator, "apply", str(project), "--yes")
    assert all(d["error"] is None for d in third["depositions"]), third
    assert emulator.stats()["routes"].get("PUT /api/records/{id}/draft/files/{key}/content") == 2
    archives = files_of(emulator, project, "packed")
    assert [k for k in archives if archives[k] != packed[k]] == ["aspirin.zip"]
    after = files_of(emulator, project, "plain")
    assert [k for k in after if after[k] != plain[k]] == ["aspirin/spectra/IR.jdx"]
    assert after["aspirin/spectra/IR.jdx"] != plain["aspirin/spectra/IR.jdx"]
