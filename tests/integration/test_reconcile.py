"""apply/plan against the real emulator over loopback: idempotency, minimal transfers, resumption."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from fake_clock import FakeClock
from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.reconcile import run as reconcile_run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "nmr"
    shutil.copytree(EXAMPLES / "nmr-study", target, ignore=shutil.ignore_patterns(".zenodeploy", "*.lock"))
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return target / "zenodeploy.yaml"


def test_second_apply_makes_no_write_and_reports_no_changes(
    emulator: Emulator, project: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    first = run(emulator, "apply", str(project), "--yes")
    assert first["depositions"][0]["state"] == "draft"
    assert writes(emulator) > 0
    emulator.reset_stats()
    second = run(emulator, "apply", str(project), "--yes")
    assert writes(emulator) == 0
    assert second["depositions"][0]["actions"] == []
    assert second["requests"].get("GET", 0) <= 2


def test_changed_spectrum_transfers_only_that_sample_archive(
    emulator: Emulator, project: Path, run: Callable[..., Any]
) -> None:
    run(emulator, "apply", str(project), "--yes")
    spectrum = sorted((project.parent / "compounds").glob("*/spectra/*.jdx"))[0]
    sample = spectrum.parent.parent
    spectrum.write_text(spectrum.read_text() + "##$CHANGED= yes\n")
    emulator.reset_stats()
    plan = run(emulator, "plan", str(project))
    texts = [a["text"] for a in plan[0]["actions"]]
    uploads = [t for t in texts if t.startswith("+ replace") or t.startswith("+ upload")]
    assert len(uploads) == 1 and sample.name in uploads[0], texts
    run(emulator, "apply", str(project), "--yes")
    archive = next(p for p in (emulator_files(emulator, project)) if sample.name in p)
    assert archive
    assert emulator.stats()["routes"].get("PUT /api/records/{id}/draft/files/{key}/content") == 1


def emulator_files(emulator: Emulator, project: Path) -> list[str]:
    lock = json.loads((project.parent / "zenodeploy.yaml.lock").read_text())
    record_id = next(iter(lock["servers"].values()))["analgesics-nmr"]["record_id"]
    import requests

    listing = requests.get(
        f"{emulator.url}/api/records/{record_id}/draft/files",
        headers={"Authorization": f"Bearer {LOCAL_TOKEN}"},
        timeout=10,
    ).json()
    return [e["key"] for e in listing["entries"]]


def test_title_change_is_one_metadata_update_without_transfer(
    emulator: Emulator, project: Path, run: Callable[..., Any]
) -> None:
    run(emulator, "apply", str(project), "--yes")
    project.write_text(project.read_text().replace("three common analgesics", "three analgesics"))
    emulator.reset_stats()
    run(emulator, "apply", str(project), "--yes")
    stats = emulator.stats()
    assert stats["requests"].get("PUT") == 1 and stats["requests"].get("POST", 0) == 0
    assert stats["bytes_received"] < 20_000  # the metadata document only


def test_published_then_changed_file_makes_a_new_version_importing_files(
    emulator: Emulator, project: Path, run: Callable[..., Any]
) -> None:
    run(emulator, "apply", str(project), "--yes", "--publish")
    first = json.loads((project.parent / "zenodeploy.yaml.lock").read_text())
    entry = next(iter(first["servers"].values()))["analgesics-nmr"]
    spectrum = sorted((project.parent / "compounds").glob("*/spectra/*.jdx"))[-1]
    spectrum.write_text(spectrum.read_text() + "##$CHANGED= again\n")
    emulator.reset_stats()
    drafted = run(emulator, "apply", str(project), "--yes")
    assert drafted["depositions"][0]["state"] == "draft"  # not published without --publish
    routes = emulator.stats()["routes"]
    assert routes.get("POST /api/records/{id}/versions") == 1
    assert routes.get("POST /api/records/{id}/draft/actions/files-import") == 1
    assert routes.get("PUT /api/records/{id}/draft/files/{key}/content") == 1
    again = run(emulator, "apply", str(project), "--yes")
    assert again["depositions"][0]["actions"] == []  # the pending version is complete: nothing to do
    published = run(emulator, "apply", str(project), "--yes", "--publish")
    out = published["depositions"][0]
    assert (
        out["state"] == "published"
        and out["concept_doi"] == entry["concept_doi"]
        and out["doi"] != entry["doi"]
    )


def test_deleted_lock_file_does_not_duplicate_the_record(
    emulator: Emulator, project: Path, run: Callable[..., Any]
) -> None:
    run(emulator, "apply", str(project), "--yes")
    (project.parent / "zenodeploy.yaml.lock").unlink()
    emulator.reset_stats()
    result = run(emulator, "apply", str(project), "--yes")
    assert emulator.stats()["requests"].get("POST", 0) == 0
    assert result["depositions"][0]["actions"] == []
    assert (project.parent / "zenodeploy.yaml.lock").exists()  # adopted and written back


def test_publish_answered_500_after_publishing_is_not_repeated(
    emulator: Emulator, project: Path, run: Callable[..., Any], fast_retries: FakeClock
) -> None:
    run(emulator, "apply", str(project), "--yes")
    emulator.add_fault("POST", r"/draft/actions/publish$", status=500, after=True)
    emulator.reset_stats()
    result = run(emulator, "apply", str(project), "--yes", "--publish")
    assert result["depositions"][0]["state"] == "published"
    assert emulator.stats()["routes"].get("POST /api/records/{id}/draft/actions/publish") == 1
    assert fast_retries.sleeps == []  # a publish is re-read, never repeated after a back-off


def test_dropped_upload_is_completed_by_the_next_run(
    emulator: Emulator,
    project: Path,
    run: Callable[..., Any],
    writes: Callable[..., int],
    fast_retries: FakeClock,
) -> None:
    emulator.add_fault("PUT", r"/content$", drop_after_bytes=100, times=50)
    run(emulator, "apply", str(project), "--yes", exit_codes=(1,))
    # Each of the three uploads was tried three times, backing off 1 and 2 s in between; a failed
    # transfer's entry is removed by the server, so every further try starts that file again
    # (the first tries of all three were started by one POST).
    assert sorted(fast_retries.sleeps) == sorted([1.0, 2.0] * 3)
    # one start for all three, then one per further try (more if an entry was still being removed)
    assert emulator.stats()["routes"]["POST /api/records/{id}/draft/files"] >= 1 + 3 * 2
    emulator.clear_faults()
    run(emulator, "apply", str(project), "--yes")
    emulator.reset_stats()
    final = run(emulator, "apply", str(project), "--yes")
    assert final["depositions"][0]["actions"] == [] and writes(emulator) == 0
    listing = emulator_files(emulator, project)
    assert len(listing) == len(set(listing)) == 3


def test_a_429_holds_the_run_for_the_rate_limited_back_off_then_it_completes(
    emulator: Emulator, project: Path, run: Callable[..., Any], fast_retries: FakeClock
) -> None:
    emulator.add_fault("GET", r"^/api/user/records$", status=429, times=2)
    result = run(emulator, "apply", str(project), "--yes")
    assert result["depositions"][0]["state"] == "draft"
    assert emulator.stats()["responses"]["429"] == 2
    # No Retry-After: a minute, then two, each plus (the upper bound of) 25 % jitter.
    assert fast_retries.sleeps == [75.0, 150.0]


def test_a_real_run_paces_in_real_time_on_the_documented_back_off_schedule() -> None:
    """What ``fast_retries`` replaces: computed from the production policy, never slept."""
    limiter, policy = reconcile_run.pacing()
    assert policy.sleep is time.sleep and limiter._sleep is time.sleep and limiter._clock is time.time
    assert policy.max_attempts == 5
    upper = dataclasses.replace(policy, uniform=lambda low, high: high)  # the jitter's upper bound
    assert [upper.delay(n, status=503, server_wait=None) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert [upper.delay(n, status=429, server_wait=None) for n in range(1, 6)] == [75, 150, 300, 600, 750]
    lower = dataclasses.replace(policy, uniform=lambda low, high: low)
    assert [lower.delay(n, status=None, server_wait=None) for n in range(1, 4)] == [0, 0, 0]  # full jitter
    assert [lower.delay(n, status=429, server_wait=None) for n in range(1, 6)] == [60, 120, 240, 480, 600]
    assert policy.delay(1, status=429, server_wait=7.0) == 7.0  # the server's Retry-After wins
    assert policy.delay(1, status=503, server_wait=3600.0) == 600.0  # capped at ten minutes


def test_a_release_with_a_new_version_string_and_the_same_files_is_a_new_version(
    emulator: Emulator, tmp_path: Path, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "release"
    shutil.copytree(EXAMPLES / "ci-release", target)
    (target / "release").mkdir(exist_ok=True)
    (target / "release" / "observations.csv").write_text("time,temp\n2026-01-01T00:00,3.5\n")
    manifest = target / "zenodeploy.yaml"
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    first = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    monkeypatch.setenv("RELEASE_VERSION", "1.0.0")
    emulator.reset_stats()
    released = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    routes = emulator.stats()["routes"]
    assert routes.get("POST /api/records/{id}/versions") == 1
    assert routes.get("POST /api/records/{id}/draft/actions/files-import") == 1
    assert not routes.get("PUT /api/records/{id}/draft/files/{key}/content")  # no bytes sent again
    assert released["state"] == "published"
    assert released["concept_doi"] == first["concept_doi"] and released["doi"] != first["doi"]
    old = emulator.url + "/api/records/" + first["record_id"]
    assert requests.get(old, timeout=10).json()["metadata"]["version"] == "0.0.0-dev"  # the old DOI's
    assert run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["actions"] == []


def _local_project(tmp_path: Path, *keys: str) -> Path:
    """``tmp_path/zenodeploy.yaml`` with one deposition per key (title "Data KEY"), each with a.csv."""
    (tmp_path / "a.csv").write_text("a\n")
    entry = "  - key: {0}\n    title: Data {0}\n    creators: [{{family: Doe}}]\n    files: [a.csv]\n"
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text("version: 1\ndepositions:\n" + "".join(entry.format(k) for k in keys))
    return manifest


def test_a_deposition_removed_from_the_manifest_is_named_and_left_alone(tmp_path: Path) -> None:
    manifest = _local_project(tmp_path, "one", "two")
    assert CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local"]).exit_code == 0
    two = json.loads((tmp_path / "zenodeploy.yaml.lock").read_text())["servers"]["local"]["two"]["record_id"]
    _local_project(tmp_path, "one")
    for command, *more in (("plan",), ("apply",), ("plan", "--shard", "1/2")):
        result = CliRunner().invoke(cli, [command, str(manifest), "--server", "local", *more])
        assert result.exit_code == 0, result.output
        assert (
            f"Not in the manifest, left as they are on the server: two (record {two}). Put them back to manage "
            "them again, or delete their entries from zenodeploy.yaml.lock to forget them."
        ) in result.stdout
    assert "two" in json.loads((tmp_path / "zenodeploy.yaml.lock").read_text())["servers"]["local"]


def test_a_draft_may_lack_the_resource_type_that_publishing_needs(tmp_path: Path) -> None:
    manifest = _local_project(tmp_path, "one")
    refused = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local", "--publish"])
    assert refused.exit_code == 1
    assert "'one' has no resource_type, here or on the server; Zenodo refuses to publish" in refused.stderr
    assert not (tmp_path / "zenodeploy.yaml.lock").exists()  # refused before anything was sent
    drafted = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local"])
    assert drafted.exit_code == 0, drafted.output  # the server lists it as missing; nothing was dropped
    assert "✓ one: draft" in drafted.stdout
    # a type the record has on the server is carried over: publishing needs none in the manifest
    typed = manifest.read_text() + "    resource_type: dataset\n"
    manifest.write_text(typed)
    assert CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local", "--publish"]).exit_code == 0
    manifest.write_text(typed.replace("    resource_type: dataset\n", "").replace("Data one", "Data uno"))
    edited = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local", "--publish"])
    assert edited.exit_code == 0, edited.output
    assert "✓ one: published" in edited.stdout


def test_a_lock_entry_whose_record_is_gone_is_said_not_silently_replaced(tmp_path: Path) -> None:
    manifest = _local_project(tmp_path, "one")
    lock = tmp_path / "zenodeploy.yaml.lock"
    lock.write_text(json.dumps({"version": 1, "servers": {"local": {"one": {"record_id": "99999"}}}}))
    result = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local"])
    assert result.exit_code == 0, result.output
    assert "⧗ record 99999 of the lock file is not on the server any more" in result.stdout
    assert "a new record will be made" in result.stdout
    shown = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local", "--format", "json"])
    assert json.loads(shown.stdout)[0]["lost_record_id"] == "99999"
