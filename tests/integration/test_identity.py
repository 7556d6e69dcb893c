"""Which record a deposition is: import, record: pins, and an ambiguous search that stops."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import requests
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}", "Accept": "application/vnd.inveniordm.v1+json"}


def draft_titled(emulator: Emulator, title: str) -> str:
    body = {"metadata": {"title": title, "resource_type": {"id": "dataset"}, "creators": []}}
    answer = requests.post(f"{emulator.url}/api/records", json=body, headers=AUTH, timeout=10)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def invoke(emulator: Emulator, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--server", emulator.url, "--token-env", "ZENODO_TOKEN"])
    return result.exit_code, result.stdout, result.stderr


def test_import_adopts_an_existing_record_and_apply_updates_it(emulator: Emulator, manifest: Path) -> None:
    record = draft_titled(emulator, "Made in the web form")
    code, out, err = invoke(emulator, "import", str(manifest), "hello-zenodo", record)
    assert code == 0, err
    assert f"hello-zenodo is now record {record}" in out
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    assert next(iter(lock["servers"].values()))["hello-zenodo"]["record_id"] == record
    emulator.reset_stats()
    code, out, err = invoke(emulator, "apply", str(manifest), "--yes", "--format", "json")
    assert code == 0, err
    assert emulator.stats()["routes"].get("POST /api/records", 0) == 0  # updated, not created
    assert json.loads(out)["depositions"][0]["record_id"] == record


def test_two_records_with_the_title_stop_the_run_and_say_how_to_pin(
    emulator: Emulator, manifest: Path, writes: Callable[..., int]
) -> None:
    first, second = draft_titled(emulator, "Hello Zenodo"), draft_titled(emulator, "Hello Zenodo")
    emulator.reset_stats()
    code, _, err = invoke(emulator, "apply", str(manifest), "--yes")
    assert code == 1
    assert "2 of your records are titled 'Hello Zenodo'" in err and first in err and second in err
    assert "record: <id>" in err and "zenodeploy import" in err
    assert writes(emulator) == 0


def test_a_doi_pin_finds_the_record(emulator: Emulator, manifest: Path) -> None:
    invoke(emulator, "apply", str(manifest), "--yes", "--publish")
    lock_file = manifest.with_name("zenodeploy.yaml.lock")
    doi = next(iter(json.loads(lock_file.read_text())["servers"].values()))["hello-zenodo"]["doi"]
    lock_file.unlink()
    manifest.write_text(
        manifest.read_text().replace(
            "  - key: hello-zenodo\n", f'  - key: hello-zenodo\n    record: "{doi}"\n'
        )
    )
    code, out, err = invoke(emulator, "plan", str(manifest), "--format", "json")
    assert code == 0, err
    plan = json.loads(out)[0]
    assert plan["found_by"] == "pin" and plan["actions"] == []


def test_a_record_found_only_by_title_is_not_versioned_or_published_without_adopt(
    emulator: Emulator, manifest: Path, tmp_path: Path, writes: Callable[[Emulator], int]
) -> None:
    """Another project's published record with the same title: plan names the match and stops
    short of a new version until --adopt (or import); nothing is written meanwhile."""
    invoke(emulator, "apply", str(manifest), "--yes", "--publish")
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("x,y\n9,9\n", "utf-8")
    copy = other / "zenodeploy.yaml"
    copy.write_text(manifest.read_text("utf-8").replace("key: hello-zenodo", "key: copy"), "utf-8")
    emulator.reset_stats()
    code, out, err = invoke(emulator, "plan", str(copy))
    assert code == 1
    assert "'copy' matched record" in out and "only by its title" in out and "make a new version" in out
    assert "zenodeploy import MANIFEST copy" in out and "--adopt copy" in out
    code, out, err = invoke(emulator, "apply", str(copy), "--yes", "--publish")
    assert code == 1 and writes(emulator) == 0
    assert not copy.with_name("zenodeploy.yaml.lock").exists()  # a refused match is not remembered
    code, out, err = invoke(emulator, "apply", str(copy), "--yes", "--publish")
    assert code == 1 and writes(emulator) == 0  # so the next run is refused as well
    code, out, err = invoke(emulator, "apply", str(copy), "--yes", "--publish", "--adopt", "copy")
    assert code == 0, err
    assert "↻ new version" in out and writes(emulator) > 0


def test_a_glob_over_everything_never_uploads_the_tools_own_files(
    emulator: Emulator, manifest: Path, writes: Callable[[Emulator], int]
) -> None:
    """files: ['**/*'] with publish: three applies make one record and one version; the
    manifest, its lock (and journal) are never uploaded, so nothing changes between runs."""
    text = manifest.read_text("utf-8").replace("files: [data.csv]", "files: ['**/*']\n    publish: true")
    manifest.write_text(text, "utf-8")
    outcomes = []
    for _ in range(3):
        emulator.reset_stats()
        code, _out, err = invoke(emulator, "apply", str(manifest), "--yes")
        assert code == 0, err
        outcomes.append(writes(emulator))
    assert outcomes[1:] == [0, 0]
    lock = json.loads(manifest.with_name("zenodeploy.yaml.lock").read_text())
    record = next(iter(lock["servers"].values()))["hello-zenodo"]["record_id"]
    stored = requests.get(f"{emulator.url}/api/records/{record}", headers=AUTH, timeout=10).json()
    assert sorted(stored["files"]["entries"]) == ["data.csv"]
    assert stored["versions"]["index"] == 1


def test_a_draft_whose_create_answer_was_lost_is_found_again_and_published(
    emulator: Emulator, manifest: Path, writes: Callable[[Emulator], int]
) -> None:
    """The create succeeded but its answer was lost: the next run finds the draft by its title.
    Its metadata is the manifest's, so uploading and publishing it takes nothing from anyone."""
    emulator.add_fault("POST", r"^/api/records$", status=500, after=True)
    code, out, err = invoke(emulator, "apply", str(manifest), "--yes", "--publish")
    assert code == 1
    code, out, err = invoke(emulator, "apply", str(manifest), "--yes", "--publish")
    assert code == 0, out + err
    assert "found by search" in out and "✓ publish" in out
    listing = requests.get(f"{emulator.url}/api/user/records", headers=AUTH, timeout=10).json()
    assert listing["hits"]["total"] == 1  # no duplicate
