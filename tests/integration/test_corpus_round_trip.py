"""Every real CITATION.cff and .zenodo.json file of tests/data that converts to a valid manifest
(given its GitHub repository, as ``convert --repository`` takes it) is published on the
emulator, imported back into a fresh folder with ``import --mine``, and the imported manifest
plans no change and applies no write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.errors import ManifestError
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.load import load_manifest

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted(
    p for kind in ("zenodo_json", "cff") for p in (DATA / kind).iterdir() if p.name != "SOURCES.md"
)


def _repositories() -> dict[str, str]:
    """Corpus file name → the OWNER/NAME it was taken from (tests/data/*/SOURCES.md)."""
    lines = (
        line
        for kind in ("zenodo_json", "cff")
        for line in (DATA / kind / "SOURCES.md").read_text("utf-8").splitlines()
    )
    rows = (line.split("|") for line in lines if line.startswith("| "))
    return {cells[1].strip(): cells[2].strip() for cells in rows if len(cells) > 3}


def _converted(path: Path, folder: Path, repository: str) -> dict[str, Any] | None:
    """The deposition ``path`` converts to, when the manifest made of it validates."""
    try:
        result = convert([path], repository)
        if any(f.severity == "error" for f in result.findings):
            return None
        manifest = folder / "zenodeploy.yaml"
        manifest.write_text(result.text, "utf-8")
        load_manifest(manifest, profile={})
    except ManifestError:
        return None
    entry: dict[str, Any] = yaml.safe_load(result.text)["depositions"][0]
    return entry


@pytest.mark.slow  # about 100 records published, imported, planned and applied
def test_the_converted_corpus_round_trips_through_import(
    make_emulator: Callable[..., Emulator],
    tmp_path: Path,
    run: Callable[..., Any],
    writes: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # from: git finds no history
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    depositions = []
    repositories = _repositories()
    for i, path in enumerate(FILES):
        entry = _converted(path, tmp_path, repositories[path.name])
        if entry is None:
            continue
        name = f"data/{i}.txt"
        (project / name).write_text(f"{path.name}\n", "utf-8")
        depositions.append({**entry, "key": f"f{i}", "files": [name], "publish": True})
    print(f"{len(depositions)} of {len(FILES)} corpus files convert to a valid manifest")
    assert len(depositions) == 94  # the 11 others: tests/test_corpus.py FAILURES minus 4 given a title
    slugs = sorted({c for d in depositions for c in d.get("communities", ())})
    emulator = make_emulator(  # our own communities, where an owner publishes without a review
        communities=[{"slug": s, "review_policy": "open", "members": {"local": "owner"}} for s in slugs]
    )
    manifest = project / "zenodeploy.yaml"
    manifest.write_text(yaml.safe_dump({"version": 1, "depositions": depositions}, sort_keys=False))
    applied = run(emulator, "apply", str(manifest), "--yes", "--parallel", "8")
    assert applied is not None
    again = run(emulator, "plan", str(manifest))
    assert {p["key"]: p["actions"] for p in again if p["actions"]} == {}

    imported_manifest = tmp_path / "imported" / "zenodeploy.yaml"
    imported_manifest.parent.mkdir()
    report = run(emulator, "import", str(imported_manifest), "--mine")
    assert len(report["imported"]) == len(depositions), report["skipped"]
    # everything the converted files said, the imported manifest says too: nothing left to the server
    assert [i for i in report["imported"] if i["kept_on_server"]] == []

    plan = run(emulator, "plan", str(imported_manifest))
    assert len(plan) == len(depositions)
    assert {p["key"]: p["actions"] for p in plan if p["actions"]} == {}
    emulator.reset_stats()
    run(emulator, "apply", str(imported_manifest), "--yes")
    assert writes(emulator) == 0, emulator.stats()
