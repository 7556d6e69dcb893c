"""Requests are the clock on Zenodo (about 100 a minute per token): what apply costs, by route."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

INIT = "POST /api/records/{id}/draft/files"
CONTENT = "PUT /api/records/{id}/draft/files/{key}/content"
COMMIT = "POST /api/records/{id}/draft/files/{key}/commit"


def write_manifest(base: Path, depositions: int, files: int, *, publish: bool = False) -> Path:
    lines = [
        "version: 1",
        "defaults:",
        "  resource_type: dataset",
        "  license: cc-by-4.0",
        "  creators:",
        "    - {family: Doe, given: Jane}",
        *(["  publish: true", "  publisher: Zenodo"] if publish else []),
        "depositions:",
    ]
    for d in range(depositions):
        names = []
        for f in range(files):
            name = f"d{d:03d}-{f:02d}.csv"
            (base / name).write_text(f"deposition,file\n{d},{f}\n")
            names.append(name)
        lines += [
            f"  - key: dep-{d:03d}",
            f"    title: Budget deposition {d}",
            f"    description: Deposition {d} of a generated manifest.",
            f"    files: [{', '.join(names)}]",
        ]
    manifest = base / "zenodeploy.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)


def test_first_apply_starts_all_files_of_a_deposition_in_one_post(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any]
) -> None:
    manifest = write_manifest(tmp_path, depositions=2, files=5)
    run(emulator, "apply", str(manifest), "--yes")
    routes = emulator.stats()["routes"]
    assert routes[INIT] == 2
    assert routes[CONTENT] == routes[COMMIT] == 10
    per_deposition = sum(routes.values()) / 2
    assert per_deposition <= 5 + 5 + 3, routes  # F content PUTs + F commits + a small constant
