"""Malformed lab notebook exports (tests/data/eln/malformed, made by tools/gen_malformed_eln.py)
each give one located error line naming the manifest's line, the field, the export and the fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli

MALFORMED = Path(__file__).parent / "data" / "eln" / "malformed"

MANIFEST = """\
version: 1
samples:
  lab: {{eln: {export}}}
depositions:
  - key: k
    title: Samples from the notebook
    resource_type: dataset
    publication_date: "2024-05-01"
    license: cc-by-4.0
    creators: [{{family: Doe, given: Jane}}]
    samples: {{from: lab}}
"""

# export → (the manifest line:column and field the error points at, what it says)
CASES = {
    "not-a-zip.eln": ("3:14: samples.lab.eln", "is not a readable zip"),
    "no-metadata.eln": ("3:14: samples.lab.eln", "has no ro-crate-metadata.json in its top folder"),
    "two-crates.eln": ("3:14: samples.lab.eln", "holds several crates"),
    "bad-json.eln": ("3:14: samples.lab.eln", "is not valid JSON (line 3, column 16"),
    "not-utf8.eln": ("3:14: samples.lab.eln", "is not UTF-8 text"),
    "no-graph.eln": ("3:14: samples.lab.eln", "has no `@graph` list"),
    "node-without-id.eln": ("3:14: samples.lab.eln", "has a node without an `@id` at @graph[1]"),
    "no-descriptor.eln": ("3:14: samples.lab.eln", "descriptor node whose `about` names the root dataset"),
    "root-missing.eln": (
        "3:14: samples.lab.eln",
        "names `./nowhere/` as its root dataset, but the graph has no",
    ),
    "root-not-dataset.eln": ("3:14: samples.lab.eln", "has a root `./` that is not a Dataset"),
    "missing-file.eln": (
        "3:14: samples.lab.eln",
        "lists `./s1/spectrum.jdx` among the parts of `./s1/`, but holds no",
    ),
    "dot-dot.eln": ("3:14: samples.lab.eln", "names `./s1/../../etc/passwd`, which leads out of the export"),
    "absolute-path.eln": ("3:14: samples.lab.eln", "names the absolute path `/etc/passwd`"),
    "ghost-part.eln": ("3:14: samples.lab.eln", "lists `./ghost/` in its root's hasPart, but has neither"),
    "symbolic-link.eln": ("3:14: samples.lab.eln", "holds `./s1/link.csv` as a symbolic link"),
    "damaged-member.eln": (
        "11:14: depositions[0].samples",
        "damaged-member.eln!/crate/s1/data.csv cannot be read (its bytes do not match their CRC-32",
    ),
}


def test_every_malformed_export_has_a_case() -> None:
    assert sorted(p.name for p in MALFORMED.glob("*.eln")) == sorted(CASES)
    assert len(CASES) >= 10


@pytest.mark.parametrize("export", sorted(CASES))
def test_a_malformed_export_is_a_located_error(tmp_path: Path, export: str) -> None:
    shutil.copy(MALFORMED / export, tmp_path / export)
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(MANIFEST.format(export=export), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(manifest)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    place, fault = CASES[export]
    line = next(line for line in result.stderr.splitlines() if place in line)
    assert line.startswith(f"{manifest}:{place}: "), line
    assert f"{tmp_path / export}" in line
    assert fault in line
    assert "Traceback" not in result.output
