"""``zenodeploy import``: records on the emulator written into a manifest that plans no change."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from import_corpus import Api, make_records, payload

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.reconcile.runlock import exclusive

Run = Callable[..., Any]


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)


def _cli(emulator: Emulator, *args: str) -> Any:
    """The CLI in text form (for the forms and errors a user reads)."""
    return CliRunner().invoke(cli, [*args, "--server", emulator.url, "--token-env", "ZENODO_TOKEN"])


def _no_changes(run: Run, emulator: Emulator, manifest: Path) -> list[dict[str, Any]]:
    plan: list[dict[str, Any]] = run(emulator, "plan", str(manifest))
    assert [p for p in plan if p["actions"]] == []
    return plan


@pytest.mark.slow
def test_import_mine_of_twenty_varied_records_plans_no_change_and_applies_no_write(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run, writes: Callable[..., int]
) -> None:
    emulator = make_emulator()
    community = emulator.add_community({"slug": "our-lab", "members": {"local": "curator"}})["id"]
    make_records(Api(emulator.url), 20, community=community, admin=emulator.admin_token)
    manifest = tmp_path / "project" / "zenodeploy.yaml"
    manifest.parent.mkdir()
    emulator.reset_stats()

    report = run(emulator, "import", str(manifest), "--mine")

    assert len(report["imported"]) == 20, report
    print(f"import --mine of 20 records: {report['requests']} requests")
    # one search; the record with an open edit is read as plan reads it (draft, then record)
    assert report["requests"] == sum(emulator.stats()["requests"].values()) == 3
    assert writes(emulator) == 0
    validate = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert validate.exit_code == 0, validate.output
    data = yaml.safe_load(manifest.read_text())
    entries = {d["title"]: d for d in data["depositions"]}
    assert len({d["key"] for d in data["depositions"]}) == 20
    assert entries["Imported record 2"]["version"] == "v3"  # the latest of three versions
    assert entries["Imported record 15"]["communities"] == ["our-lab"]
    assert entries["Imported record 10"]["access"] == {"embargo": {"until": "2031-01-01", "reason": "patent"}}
    kept = {i["title"]: i["kept_on_server"] for i in report["imported"]}
    assert kept["Imported record 9"] == ["additional_titles", "identifiers"]
    assert kept["Imported record 12"] == ["additional_descriptions", "creators"]
    assert kept["Imported record 14"] == ["locations"]
    assert entries["Imported record 14"]["method"] == "Measured twice."
    assert "creators" not in entries["Imported record 12"]
    assert entries["Imported record 13 (edited)"]["publish"] is False  # the open edit is not published
    assert entries["Imported record 12"]["keep_on_server"] == ["additional_descriptions", "creators", "files"]

    emulator.reset_stats()
    stats = _no_changes(run, emulator, manifest)
    assert {p["found_by"] for p in stats} == {"lock"}
    print(f"plan after the import: {emulator.stats()['requests']}")
    emulator.reset_stats()
    run(emulator, "apply", str(manifest), "--yes")
    print(f"apply after the import: {emulator.stats()['requests']}")
    assert writes(emulator) == 0

    lab = tmp_path / "lab" / "zenodeploy.yaml"
    lab.parent.mkdir()
    in_lab = run(emulator, "import", str(lab), "--community", "our-lab")
    assert sorted(i["title"] for i in in_lab["imported"]) == [
        f"Imported record {i}" for i in (11, 15, 19, 3, 3)
    ]
    _no_changes(run, emulator, lab)

    # What is kept on the server survives a change of what the manifest owns.
    twelve = next(i["record_id"] for i in report["imported"] if i["title"] == "Imported record 12")
    creators = Api(emulator.url)("GET", f"/records/{twelve}").json()["metadata"]["creators"]
    text = manifest.read_text().replace("title: Imported record 12\n", "title: Imported record twelve\n")
    manifest.write_text(text)
    plan = run(emulator, "plan", str(manifest))
    changed = [p for p in plan if p["actions"]]
    assert [p["key"] for p in changed] == ["imported-record-12"]
    run(emulator, "apply", str(manifest), "--yes")
    record = Api(emulator.url)("GET", f"/records/{changed[0]['record_id']}").json()
    assert record["metadata"]["title"] == "Imported record twelve"
    assert record["metadata"]["creators"] == creators
    assert record["metadata"]["creators"][1]["person_or_org"]["identifiers"][0]["scheme"] == "gnd"
    assert record["metadata"]["additional_descriptions"][0]["type"]["id"] == "other"
    assert len(record["files"]["entries"]) == 1


COMMENTED = """\
# Our lab's records.
version: 1
defaults:
  license: cc-by-4.0   # everything we publish
depositions:
  # the first one, written by hand
  - key: imported-record-1
    title: Something else
    resource_type: dataset
    creators: [{family: Doe, given: Jane}]
    files: [data.csv]

# trailing remark kept at the end
"""


@pytest.mark.slow  # keeps the quick loop under a minute
def test_named_records_by_doi_and_address_are_appended_to_a_commented_manifest(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run
) -> None:
    emulator = make_emulator()
    api = Api(emulator.url)
    records = make_records(api, 4)
    project = tmp_path / "project"
    project.mkdir()
    (project / "data.csv").write_text("x\n")
    manifest = project / "zenodeploy.yaml"
    manifest.write_text(COMMENTED)
    host = emulator.url
    refs = [
        f"10.5072/zenodo.{records[0]['id']}",  # a DOI
        f"https://doi.org/10.5072/zenodo.{records[1]['id']}",  # … as a doi.org link
        f"{host}/records/{records[2]['parent']['id']}",  # a concept: its latest version (v3)
        f"{host}/uploads/{records[3]['id']}",
    ]
    emulator.reset_stats()

    report = run(emulator, "import", str(manifest), *refs)

    print(f"import of 4 named records: {report['requests']} requests")
    assert report["requests"] <= 3
    keys = [i["key"] for i in report["imported"]]
    assert keys == ["imported-record-0", "imported-record-1-2", "imported-record-2", "imported-record-3"]
    text = manifest.read_text()
    assert text.startswith(COMMENTED.split("\n# trailing")[0])  # the user's lines, untouched
    assert text.endswith("\n# trailing remark kept at the end\n")
    assert "  - key: imported-record-3\n" in text  # indented like the entries already there
    data = yaml.safe_load(text)
    assert data["depositions"][0]["key"] == "imported-record-1"
    assert data["depositions"][3]["version"] == "v3"
    # record 0 has no license: the manifest's default would add one, so it is left to the server
    assert "rights" in report["imported"][0]["kept_on_server"]
    plan = run(emulator, "plan", str(manifest))
    assert [p["key"] for p in plan if p["actions"]] == ["imported-record-1"]  # the hand-written one

    again = run(emulator, "import", str(manifest), refs[0])
    assert again["imported"] == [] and "already in the lock file" in again["skipped"][0]["reason"]


@pytest.mark.slow  # keeps the quick loop under a minute
def test_download_fetches_the_files_so_the_globs_match(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run, writes: Callable[..., int]
) -> None:
    emulator = make_emulator()
    records = make_records(Api(emulator.url), 5)
    manifest = tmp_path / "zenodeploy.yaml"

    report = run(emulator, "import", str(manifest), records[4]["id"], "--download", "files")

    folder = tmp_path / "files" / "imported-record-4"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "data.csv",
        "notes/readme.txt",
    ]
    assert (
        hashlib.md5((folder / "notes/readme.txt").read_bytes()).hexdigest()
        == hashlib.md5(b"read me\n").hexdigest()
    )
    assert report["requests"] == 3  # one search, two files
    entry = yaml.safe_load(manifest.read_text())["depositions"][0]
    assert entry["files"] == [{"path": "**", "from": "files/imported-record-4"}]
    assert "files" not in entry.get("keep_on_server", [])
    _no_changes(run, emulator, manifest)
    before = writes(emulator)
    run(emulator, "apply", str(manifest), "--yes")
    assert writes(emulator) == before


def test_the_link_form_takes_a_doi_and_errors_say_what_is_wrong(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run
) -> None:
    emulator = make_emulator(tokens={LOCAL_TOKEN: "local", "tok-colleague": "colleague"})
    mine = make_records(Api(emulator.url), 1)[0]
    theirs = make_records(Api(emulator.url, "tok-colleague"), 1)[0]
    draft = Api(emulator.url)("POST", "/records", json=payload(3)).json()
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(COMMENTED)
    (tmp_path / "data.csv").write_text("x\n")

    linked = _cli(emulator, "import", str(manifest), "imported-record-1", f"10.5072/zenodo.{mine['id']}")
    assert linked.exit_code == 0, linked.output
    assert f"imported-record-1 is now record {mine['id']} (published)" in linked.output

    unknown_key = _cli(emulator, "import", str(manifest), "no-such-key", mine["id"])
    assert "has no deposition with key 'no-such-key' (it has: imported-record-1)" in unknown_key.stderr

    for ref, message in [
        (theirs["id"], f"record {theirs['id']} on {emulator.url} belongs to another account"),
        ("10.5072/zenodo.999999", "no record 999999 on"),
        ("10.1021/acs.jchemed.0c00001", "is not a Zenodo DOI"),
        ("https://example.org/records/1", "is not an address on Zenodo or on"),
        ("https://zenodo.org/records/1", "run with --server zenodo"),
        (draft["id"], f"record {draft['id']} is a draft that was never published"),
    ]:
        result = _cli(emulator, "import", str(manifest), str(ref))
        assert result.exit_code != 0, (ref, result.output)
        assert message in result.stderr, (ref, result.stderr)
        assert "Traceback" not in result.output
    assert manifest.read_text() == COMMENTED

    everything = run(emulator, "import", str(tmp_path / "all.yaml"), "--mine")
    assert [i["record_id"] for i in everything["imported"]] == [mine["id"]]  # not the colleague's
    assert everything["skipped"] == [{"record_id": draft["id"], "reason": "a draft that was never published"}]


def test_download_selects_hidden_files_exactly_so_plan_deletes_nothing(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run
) -> None:
    emulator = make_emulator()
    api = Api(emulator.url)
    layouts = {
        "one": {"data.csv": b"a\n", ".hidden.txt": b"h\n", "sub/.cfg": b"c\n"},
        "two": {"data.csv": b"a\n", ".dir/x.txt": b"x\n"},
    }
    ids = []
    for i, layout in enumerate(layouts.values()):
        draft = api("POST", "/records", json=payload(i)).json()
        for name, content in layout.items():
            api.upload(draft["id"], name, content)
        assert api("POST", f"/records/{draft['id']}/draft/actions/publish").status_code == 202
        ids.append(draft["id"])
    manifest = tmp_path / "zenodeploy.yaml"

    run(emulator, "import", str(manifest), *ids, "--download", "dl")

    entries = yaml.safe_load(manifest.read_text())["depositions"]
    assert entries[0]["files"] == [
        {"path": "**", "from": "dl/imported-record-0"},
        {"path": "**/.*", "from": "dl/imported-record-0"},
    ]
    assert entries[1]["files"] == [
        {"path": ".dir/x.txt", "from": "dl/imported-record-1"},
        {"path": "data.csv", "from": "dl/imported-record-1"},
    ]
    assert all("files" not in e.get("keep_on_server", []) for e in entries)
    _no_changes(run, emulator, manifest)


def test_import_takes_the_run_lock_of_apply(make_emulator: Callable[..., Emulator], tmp_path: Path) -> None:
    emulator = make_emulator()
    record = make_records(Api(emulator.url), 1)[0]
    manifest = tmp_path / "zenodeploy.yaml"

    with exclusive(manifest):  # an apply of this manifest is running
        refused = _cli(emulator, "import", str(manifest), record["id"])
    assert refused.exit_code != 0 and "another zenodeploy apply of" in refused.stderr, refused.output
    assert "--wait" in refused.stderr and not manifest.exists()

    held = threading.Event()

    def apply_for_a_moment() -> None:
        with exclusive(manifest):
            held.set()
            time.sleep(0.5)

    other = threading.Thread(target=apply_for_a_moment)
    other.start()
    try:
        held.wait(10)
        waited = _cli(emulator, "import", str(manifest), record["id"], "--wait")
    finally:
        other.join(10)
    assert waited.exit_code == 0, waited.output
    assert "waiting for the other apply of" in waited.stderr
    assert yaml.safe_load(manifest.read_text())["depositions"][0]["title"] == "Imported record 0"


def test_an_open_new_version_is_named_in_the_report_and_the_published_version_imported(
    make_emulator: Callable[..., Emulator], tmp_path: Path, run: Run
) -> None:
    emulator = make_emulator()
    api = Api(emulator.url)
    record = make_records(api, 1)[0]
    new = api("POST", f"/records/{record['id']}/versions").json()
    api(
        "PUT",
        f"/records/{new['id']}/draft",
        json={**payload(0), "metadata": {**payload(0)["metadata"], "version": "v9"}},
    )

    report = run(emulator, "import", str(tmp_path / "zenodeploy.yaml"), "--mine")

    assert [i["record_id"] for i in report["imported"]] == [record["id"]]
    [skipped] = report["skipped"]
    assert skipped["record_id"] == new["id"]
    assert f"an unpublished new version of record {record['id']}" in skipped["reason"]
    assert "version: v9" not in (tmp_path / "zenodeploy.yaml").read_text()
    _no_changes(run, emulator, tmp_path / "zenodeploy.yaml")


def test_importing_from_an_empty_local_emulator_says_nothing_was_written_and_where_it_looked(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "zenodeploy.yaml"
    result = CliRunner().invoke(cli, ["import", str(manifest), "--mine", "--server", "local"])
    assert result.exit_code == 0, result.output
    assert "imported 0" not in result.stdout
    assert f"nothing was written to {manifest}: no record to import on local." in result.stderr
    assert f"({tmp_path / '.zenodeploy' / 'local'}), empty here" in result.stderr
    assert "zenodeploy emulator --data OTHER/.zenodeploy/local" in result.stderr
    assert not manifest.exists()
