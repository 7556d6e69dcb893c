"""Every example, applied twice against the emulator (which stores what InvenioRDM's own schema
stores, tests/conformance): the second run writes nothing, and the descriptions Zenodo keeps are
exactly the HTML the client sent."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*/zenodeploy.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_a_second_apply_of_every_example_writes_nothing(
    example: Path,
    tmp_path: Path,
    emulator: Emulator,
    run: Callable[..., Any],
    writes: Callable[[Emulator], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    project = tmp_path / example.parent.name
    shutil.copytree(example.parent, project)
    manifest = project / "zenodeploy.yaml"
    rendered = CliRunner().invoke(cli, ["render", str(manifest), "--format", "json"])
    assert rendered.exit_code == 0, rendered.output
    sent = {d["key"]: d["record"]["metadata"].get("description") for d in _documents(rendered.stdout)}

    first = run(emulator, "apply", str(manifest), "--yes", "--publish")
    assert all(d["error"] is None for d in first["depositions"]), first
    emulator.reset_stats()
    second = run(emulator, "apply", str(manifest), "--yes", "--publish")
    assert [d["actions"] for d in second["depositions"]] == [[] for _ in second["depositions"]]
    assert writes(emulator) == 0

    for outcome in first["depositions"]:
        stored = requests.get(
            f"{emulator.url}/api/records/{outcome['record_id']}",
            headers={"Authorization": f"Bearer {LOCAL_TOKEN}"},
            timeout=10,
        ).json()
        assert stored["metadata"].get("description") == sent[outcome["key"]]


def _documents(text: str) -> list[dict[str, Any]]:
    """``render --format json`` prints one JSON document: the list of depositions."""
    documents: list[dict[str, Any]] = json.loads(text)
    return documents
