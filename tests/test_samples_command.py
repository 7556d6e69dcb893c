"""`zenodeploy samples`: every source's samples and the keys `where:` can use, as text and JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from zenodeploy.cli import cli

DATA = Path(__file__).parent / "data" / "eln"


def project(tmp_path: Path) -> Path:
    shutil.copy(DATA / "kadi4mat-records.eln", tmp_path / "records.eln")
    sample = tmp_path / "compounds" / "aspirin"
    sample.mkdir(parents=True)
    (sample / "sample.yaml").write_text("solvent: CDCl3\nprops: {state: solid}\n", encoding="utf-8")
    (sample / "1H.jdx").write_text("##TITLE=1H\n", encoding="utf-8")
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\nsamples:\n  notebook: {eln: records.eln}\n  compounds: {path: 'compounds/*'}\n"
        "depositions:\n  - key: k\n    title: Samples from the notebook\n    resource_type: dataset\n"
        "    publication_date: '2024-05-01'\n    license: cc-by-4.0\n    creators: [{family: Doe, given: Jane}]\n"
        "    samples: {from: notebook}\n",
        encoding="utf-8",
    )
    return manifest


def test_text_lists_samples_and_keys_of_each_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["samples", str(project(tmp_path))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "compounds (path: compounds/*): 1 samples"
    assert "  aspirin  (1 files)" in lines
    assert '    props.state  (1: "solid")' in lines
    assert "notebook (eln: records.eln): 1 samples" in lines
    assert "  records-example  (4 files)" in lines
    assert '    properties.actor.givenName  (1: "Max")' in lines
    assert '    keywords  (1: "sample")' in lines


def test_json_has_keys_values_and_metadata(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["samples", str(project(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    notebook = next(s for s in json.loads(result.stdout) if s["name"] == "notebook")
    assert notebook["keys"]["properties.type"] == {"samples": 1, "values": ["Measurement"]}
    (sample,) = notebook["samples"]
    assert sample["name"] == "records-example"
    assert sample["files"] == [
        "files/example.csv",
        "files/example.txt",
        "records-example.json",
        "records-example.ttl",
    ]
    assert sample["metadata"]["properties"]["start date of experiment"] == "2024-08-05T22:00:00+00:00"


def test_a_broken_export_is_a_located_error(tmp_path: Path) -> None:
    manifest = project(tmp_path)
    (tmp_path / "records.eln").write_text("not a zip", encoding="utf-8")
    result = CliRunner().invoke(cli, ["samples", str(manifest)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{manifest}:3:19: samples.notebook.eln: The lab notebook export ")
    assert "is not a readable zip" in result.stderr


def test_a_key_is_counted_only_where_it_says_something(tmp_path: Path) -> None:
    from zenodeploy.content.survey import survey

    shutil.copy(Path(__file__).parent / "data" / "eln" / "rspace-selection.eln", tmp_path / "x.eln")
    [source] = survey({"lab": {"eln": "x.eln"}}, base=tmp_path, allow_outside=False)
    counts = {key: count for key, count, _ in source.keys}
    assert counts["authors"] == 0  # every sample has authors: [] (it said 3)
    assert counts["name"] == 3
