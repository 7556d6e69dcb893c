"""Requests are the clock on Zenodo (about 100 a minute per token): what apply costs, by route."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from generated import generated_manifest

from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.reconcile.lock import Lock, lock_path
from zenodeploy.zenodo.client import ZenodoClient

INIT = "POST /api/records/{id}/draft/files"
CONTENT = "PUT /api/records/{id}/draft/files/{key}/content"
COMMIT = "POST /api/records/{id}/draft/files/{key}/commit"


def write_manifest(base: Path, depositions: int, files: int) -> Path:
    entries = []
    for d in range(depositions):
        names = [f"d{d:03d}-{f:02d}.csv" for f in range(files)]
        for f, name in enumerate(names):
            (base / name).write_text(f"deposition,file\n{d},{f}\n")
        entries.append((f"dep-{d:03d}", f"Budget deposition {d}", names))
    return generated_manifest(base, entries, publisher=True)


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
    # F content PUTs + F commits + a constant: title search, create, one file init, twin check
    assert per_deposition <= 5 + 5 + 4, routes


@pytest.mark.slow
def test_a_no_op_re_apply_of_100_published_depositions_costs_at_most_3_requests(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    manifest = write_manifest(tmp_path, depositions=100, files=1)
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    lock_after_apply = lock_path(manifest).read_text()
    emulator.reset_stats()
    again = run(emulator, "apply", str(manifest), "--yes", "--publish")
    stats = emulator.stats()
    assert writes(stats) == 0
    assert sum(stats["requests"].values()) <= 3, stats["routes"]
    assert all(d["actions"] == [] for d in again["depositions"])
    assert lock_path(manifest).read_text() == lock_after_apply


def test_a_record_changed_since_the_last_apply_is_read_and_set_right(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    manifest = write_manifest(tmp_path, depositions=3, files=1)
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    changed = Lock.load(lock_path(manifest)).get(emulator.url, "dep-001")
    assert changed is not None and changed.revision_id
    with ZenodoClient(emulator.url, LOCAL_TOKEN) as other:  # someone edits it on the website
        draft = other.edit(changed.record_id)
        other.update_draft(
            changed.record_id, {**draft, "metadata": {**draft["metadata"], "title": "Renamed on the website"}}
        )
        other.publish(changed.record_id)
    emulator.reset_stats()
    plan = run(emulator, "plan", str(manifest))
    assert [bool(p["actions"]) for p in plan] == [False, True, False]
    routes = emulator.stats()["routes"]
    assert routes["GET /api/user/records"] == 1
    assert routes["GET /api/records/{id}"] == 1, routes  # only the changed one is read
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    emulator.reset_stats()
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    assert writes(emulator) == 0 and sum(emulator.stats()["requests"].values()) == 1


def test_a_search_hit_older_than_the_last_write_is_not_trusted(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    manifest = write_manifest(tmp_path, depositions=2, files=1)
    run(emulator, "apply", str(manifest), "--yes", "--publish")
    lock = Lock.load(lock_path(manifest))
    entry = lock.get(emulator.url, "dep-000")
    assert entry is not None and entry.revision_id
    # The lock knows of a later save than the index shows (the index lags behind the last write).
    lock.set(emulator.url, "dep-000", replace(entry, revision_id=str(int(entry.revision_id) + 1)))
    emulator.reset_stats()
    run(emulator, "plan", str(manifest))
    routes = emulator.stats()["routes"]
    assert routes["GET /api/user/records"] == 1 and routes["GET /api/records/{id}"] == 1, routes
