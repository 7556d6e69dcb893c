"""CITATION.cff as a source: mapping, manifest integration, missing values and conflicts as findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.errors import ManifestError
from zenodeploy.manifest.citation import expand_citation
from zenodeploy.manifest.load import load_manifest
from zenodeploy.model import Finding

CFF = """\
cff-version: 1.2.0
message: If you use this software, please cite it as below.
title: Spectra toolkit
version: 2.1.0
license: Apache-2.0
keywords: [NMR, spectroscopy]
doi: 10.5281/zenodo.1234567
repository-code: https://github.com/example/spectra
identifiers:
  - {type: swh, value: "swh:1:dir:bc286860f7f9a0a8d5e1b0a1b2c3d4e5f6a7b8c9"}
  - {type: other, value: "internal-42"}
authors:
  - family-names: Rossum
    name-particle: van
    given-names: Guido
    orcid: https://orcid.org/0000-0002-1825-0097
    affiliation: CWI
  - family-names: King
    name-suffix: Jr.
    given-names: Martin
  - name: The Spectra Consortium
preferred-citation:
  type: article
  title: A paper
  doi: 10.1234/paper.5
  authors: [{family-names: Doe, given-names: Jane}]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "CITATION.cff").write_text(CFF, "utf-8")
    return tmp_path


def _manifest(folder: Path, body: str) -> Path:
    path = folder / "zenodeploy.yaml"
    path.write_text("version: 1\n" + body, "utf-8")
    return path


def test_every_field_maps_from_the_file(project: Path) -> None:
    raw = {
        "key": "k",
        **{
            f: {"from": "CITATION.cff"}
            for f in ("title", "version", "licenses", "keywords", "creators", "related_identifiers")
        },
    }
    out, problems = expand_citation(raw, project, ("depositions", 0))
    assert [(p.file, p.line, p.path, p.message, p.severity) for p in problems if isinstance(p, Finding)] == [
        (
            "CITATION.cff",
            11,
            "identifiers[1]",
            "identifier type 'other' (internal-42) has no Zenodo scheme; not taken",
            "warning",
        )
    ]
    assert len(problems) == 1
    assert out["title"] == "Spectra toolkit"
    assert out["version"] == "2.1.0"
    assert out["licenses"] == ["apache-2.0"]
    assert out["keywords"] == ["NMR", "spectroscopy"]
    assert out["creators"] == [
        {
            "family": "van Rossum",
            "type": "personal",
            "given": "Guido",
            "orcid": "0000-0002-1825-0097",
            "affiliations": ["CWI"],
        },
        {"family": "King Jr.", "type": "personal", "given": "Martin"},
        {"name": "The Spectra Consortium", "type": "organizational"},
    ]
    assert out["related_identifiers"] == [
        {"identifier": "10.5281/zenodo.1234567", "scheme": "doi", "relation": "IsSupplementTo"},
        {
            "identifier": "https://archive.softwareheritage.org/swh:1:dir:bc286860f7f9a0a8d5e1b0a1b2c3d4e5f6a7b8c9",
            "scheme": "url",
            "relation": "IsSupplementTo",
        },
        {
            "identifier": "https://github.com/example/spectra",
            "scheme": "url",
            "relation": "IsSupplementTo",
            "resource_type": "software",
        },
        {
            "identifier": "10.1234/paper.5",
            "scheme": "doi",
            "relation": "IsSupplementTo",
            "resource_type": "publication-article",
        },
    ]
    assert raw["title"] == {"from": "CITATION.cff"}  # the input is not modified


def test_relation_override_and_the_pinned_record_is_not_related_to_itself(project: Path) -> None:
    raw = {
        "key": "k",
        "record": "10.5281/zenodo.1234567",
        "related_identifiers": {"from": "CITATION.cff", "relation": "IsDerivedFrom"},
    }
    out, _ = expand_citation(raw, project, ("depositions", 0))
    assert {r["relation"] for r in out["related_identifiers"]} == {"IsDerivedFrom"}
    assert "10.5281/zenodo.1234567" not in [r["identifier"] for r in out["related_identifiers"]]


def test_a_manifest_takes_defaults_from_the_file_and_validates(project: Path) -> None:
    path = _manifest(
        project,
        "defaults:\n  creators: {from: CITATION.cff}\n  license: {from: CITATION.cff}\n"
        "depositions:\n  - key: release\n    title: {from: CITATION.cff}\n    version: {from: CITATION.cff}\n"
        "    resource_type: software\n    description: The release.\n",
    )
    loaded = load_manifest(path)
    data = loaded.depositions[0].data
    assert data["title"] == "Spectra toolkit"
    assert data["license"] == "apache-2.0"
    assert data["creators"][2] == {"name": "The Spectra Consortium", "type": "organizational"}
    assert loaded.warnings == ()
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_missing_file_and_missing_values_are_errors_at_the_field(project: Path) -> None:
    (project / "CITATION.cff").write_text("cff-version: 1.2.0\nlicense: [MIT, CC-BY-4.0]\n", "utf-8")
    path = _manifest(
        project,
        "depositions:\n  - key: a\n    title: Three\n    creators: [{name: Lab}]\n"
        "    version: {from: CITATION.cff}\n"
        "    license: {from: CITATION.cff}\n"
        "    keywords: {from: CITATION.cff}\n"
        "    related_identifiers: {from: other/CITATION.cff}\n",
    )
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    lines = [f.format() for f in info.value.findings]
    assert lines == [
        f"{path}:6:14: depositions[0].version: CITATION.cff: has no 'version'; add it there or write version here",
        f"{path}:7:14: depositions[0].license: CITATION.cff: lists 2 licenses; use 'licenses: {{from: ...}}' to take them all",
        f"{path}:8:15: depositions[0].keywords: CITATION.cff: has no 'keywords'; add it there or write keywords here",
        f"{path}:9:26: depositions[0].related_identifiers: other/CITATION.cff does not exist next to the manifest "
        f"({project / 'other' / 'CITATION.cff'}); check the 'from:' path",
    ]


def test_explicit_values_that_differ_from_the_file_are_warnings(project: Path) -> None:
    path = _manifest(
        project,
        "depositions:\n  - key: a\n    creators: {from: CITATION.cff}\n    title: Another title\n"
        "    version: 2.1.0\n    license: mit\n",
    )
    loaded = load_manifest(path)
    messages = [(f.severity, f.path, f.message) for f in loaded.warnings]
    assert messages == [
        (
            "warning",
            "depositions[0].title",
            "title 'Another title' differs from CITATION.cff ('Spectra toolkit'); the manifest's value is used. "
            "Write 'title: {from: CITATION.cff}' to keep one source",
        ),
        (
            "warning",
            "depositions[0].license",
            "license 'mit' differs from CITATION.cff ('apache-2.0'); the manifest's value is used. "
            "Write 'license: {from: CITATION.cff}' to keep one source",
        ),
    ]


def test_an_author_without_a_name_is_an_error(project: Path) -> None:
    (project / "CITATION.cff").write_text("authors:\n  - given-names: Jane\n", "utf-8")
    _, problems = expand_citation({"creators": {"from": "CITATION.cff"}}, project, ("defaults",))
    assert problems == [
        Finding(
            "CITATION.cff",
            2,
            5,
            "authors[0]",
            "authors[0] has neither family-names (a person) nor name (an entity); it is left out",
        )
    ]


def test_the_schema_checks_the_from_object(project: Path) -> None:
    path = _manifest(
        project,
        "depositions:\n  - key: a\n    title: Three\n    creators: {form: CITATION.cff}\n    keywords: NMR\n",
    )
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    text = "\n".join(f.format() for f in info.value.findings)
    assert "depositions[0].creators" in text and "from" in text
    assert f'{path}:6:15: depositions[0].keywords: must be an array, not "NMR"' in text


def test_a_whole_deposition_from_the_file_and_a_missing_file(project: Path) -> None:
    path = _manifest(
        project,
        "depositions:\n  - key: a\n    record: 10.5281/zenodo.1234567\n    from: [CITATION.cff, .zenodo.json]\n"
        "    license: mit\n",
    )
    with pytest.raises(ManifestError) as info:
        load_manifest(path, profile={})
    assert [f.format() for f in info.value.findings if f.severity == "error"] == [
        f"{path}:5:26: depositions[0].from[1]: .zenodo.json does not exist next to the manifest "
        f"({project / '.zenodo.json'}); check the 'from:' path"
    ]
    path.write_text(path.read_text("utf-8").replace(", .zenodo.json", ""), "utf-8")
    data = load_manifest(path, profile={}).depositions[0].data
    assert data["title"] == "Spectra toolkit" and data["license"] == "mit" and "licenses" not in data
    assert "10.5281/zenodo.1234567" not in [r["identifier"] for r in data["related_identifiers"]]
    assert [c.get("family") or c.get("name") for c in data["creators"]] == [
        "van Rossum",
        "King Jr.",
        "The Spectra Consortium",
    ]
