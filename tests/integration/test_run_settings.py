"""One run, one set of options: a record: pin map follows --server, and --parallel N bounds the
requests (uploads included) on the wire across every deposition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import Emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _pinned(manifest: Path, pins: str) -> None:
    text = manifest.read_text("utf-8").replace("version: 1\n", "version: 1\nserver: sandbox\n")
    manifest.write_text(
        text.replace("    files: [data.csv]\n", f"    files: [data.csv]\n    record: {pins}\n")
    )


def test_a_pin_map_is_read_for_the_server_given_on_the_command_line(manifest: Path) -> None:
    _pinned(manifest, "{sandbox: 1, local: 999999}")
    result = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local"])
    assert result.exit_code == 1, result.output
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), 1) if "record:" in text)
    assert f"zenodeploy.yaml:{line}:" in result.stderr
    assert (
        "depositions[0].record: the pin '999999' for server 'local' names no record of yours" in result.stderr
    )
    assert "create" not in result.stdout


def test_a_pin_map_entry_for_the_effective_server_finds_the_record(manifest: Path) -> None:
    first = CliRunner().invoke(
        cli, ["apply", str(manifest), "--server", "local", "--yes", "--format", "json"]
    )
    assert first.exit_code == 0, first.output
    record = json.loads(first.stdout)["depositions"][0]["record_id"]
    manifest.with_name("zenodeploy.yaml.lock").unlink()
    _pinned(manifest, f"{{sandbox: 1, local: {record}}}")
    result = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local", "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)[0]
    assert (plan["found_by"], plan["record_id"], plan["actions"]) == ("pin", record, [])


@pytest.mark.parametrize("parallel", [1, 3])
def test_parallel_n_bounds_uploads_in_flight_across_depositions(
    emulator: Emulator, tmp_path: Path, parallel: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four depositions of five files each, every content PUT held 0.08 s by the emulator: the
    emulator never sees more than N requests (or uploads) at once, and does see N."""
    from zenodeploy.emulator import LOCAL_TOKEN

    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    project = tmp_path / "bulk"
    project.mkdir()
    entries = []
    for d in range(4):
        folder = project / f"study-{d}"
        folder.mkdir()
        for f in range(5):
            (folder / f"part-{f}.csv").write_text(f"study,{d}\nfile,{f}\n", "utf-8")
        entries.append(
            f"  - key: study-{d}\n    title: Study {d}\n    resource_type: dataset\n"
            f"    creators: [{{family: Carberry, given: Josiah}}]\n    license: cc-by-4.0\n"
            f"    description: Study {d}.\n    files: ['study-{d}/*.csv']\n"
        )
    manifest = project / "zenodeploy.yaml"
    manifest.write_text("version: 1\ndepositions:\n" + "".join(entries), "utf-8")
    emulator.add_fault(method="PUT", path_regex="/content$", latency=0.08, times=1000)
    target = ["--server", emulator.url, "--token-env", "ZENODO_TOKEN"]
    result = CliRunner().invoke(cli, ["apply", str(manifest), *target, "--yes", "--parallel", str(parallel)])
    assert result.exit_code == 0, result.output
    peaks = emulator.stats()["peak_in_flight"]
    assert peaks["uploads"] == parallel  # the budget is used ...
    assert peaks["all"] <= parallel  # ... and never exceeded, metadata requests included
    assert emulator.stats()["routes"]["PUT /api/records/{id}/draft/files/{key}/content"] == 20
