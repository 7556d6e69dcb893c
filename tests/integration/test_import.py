"""``zenodeploy import``: records on the emulator written into a manifest that plans no change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from import_corpus import Api, make_records

from zenodeploy.emulator import LOCAL_TOKEN, Emulator


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)


@pytest.mark.slow
def test_import_mine_of_twenty_varied_records_plans_no_change_and_applies_no_write(
    make_emulator: Callable[..., Emulator],
    tmp_path: Path,
    run: Callable[..., Any],
    writes: Callable[..., int],
) -> None:
    emulator = make_emulator(communities=("our-lab",))
    community = emulator.add_community({"slug": "our-lab", "members": {"local": "curator"}})["id"]
    make_records(Api(emulator.url), 20, community=community, admin=emulator.admin_token)
    manifest = tmp_path / "project" / "zenodeploy.yaml"
    manifest.parent.mkdir()
    emulator.reset_stats()

    report = run(emulator, "import", str(manifest), "--mine")

    assert len(report["imported"]) == 20, report
    print(f"import --mine of 20 records: {report['requests']} requests")
    assert report["requests"] == sum(emulator.stats()["requests"].values())
    assert writes(emulator) == 0
    data = yaml.safe_load(manifest.read_text())
    assert len({d["key"] for d in data["depositions"]}) == 20
    by_title = {d["title"]: d for d in data["depositions"]}
    assert by_title["Imported record 2"]["version"] == "v3"  # the latest of three versions
    nine = next(i for i in report["imported"] if i["title"] == "Imported record 9")
    assert nine["kept_on_server"] == []  # additional titles are not owned: kept without a word
    plan = run(emulator, "plan", str(manifest))
    changed = [p for p in plan if p["actions"]]
    assert changed == [], changed
    before = writes(emulator)
    run(emulator, "apply", str(manifest), "--yes")
    assert writes(emulator) == before
