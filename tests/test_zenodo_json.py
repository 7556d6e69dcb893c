""".zenodo.json as a source: the legacy keys in manifest terms, the tolerant JSON reader, a whole
deposition taken from the file, and every note located in the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.errors import ManifestError
from zenodeploy.manifest import jsonpos
from zenodeploy.manifest.legacy import map_zenodo_json
from zenodeploy.manifest.load import load_manifest

LEGACY = {
    "title": "Spectra toolkit",
    "upload_type": "publication",
    "publication_type": "thesis",
    "publication_date": "2024-05-01",
    "description": "<p>Line one\n\n<b>two</b></p>",
    "version": "2.1.0",
    "language": "eng",
    "creators": [
        {"name": "Rossum, Guido van", "affiliation": "CWI", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        {"name": "Jane Doe", "gnd": "118540238"},
        {"name": "The SunPy Community"},
    ],
    "contributors": [{"name": "Roe, Rick", "type": "DataCurator"}, {"name": "Poe, Pat", "type": "Boss"}],
    "thesis_supervisors": [{"name": "Moe, Max"}],
    "keywords": ["NMR", ""],
    "subjects": [
        {
            "term": "Bronze Age",
            "identifier": "https://id.loc.gov/authorities/subjects/sh85017321",
            "scheme": "url",
        }
    ],
    "license": "CC-BY-4.0",
    "access_right": "embargoed",
    "embargo_date": "2999-01-01",
    "access_conditions": "ask",
    "communities": [{"identifier": "nmr"}],
    "grants": [
        {"id": "283595"},
        {"id": "10.13039/100000001::1234567"},
        {"id": "10.13039/999::42"},
        {"id": "10.13039/501100000690::EP/X1"},
    ],
    "related_identifiers": [
        {"identifier": "10.1234/x", "relation": "ISSUPPLEMENTTO", "resource_type": "article"},
        {"identifier": "10.1234/y", "relation": "isAlternateIdentifier"},
    ],
    "references": ["Doe (2020). A paper."],
    "notes": "Some notes",
    "method": "Some method",
    "dates": [{"start": "2020-01", "end": "2020-06", "type": "Collected"}],
    "locations": [{"place": "Lab", "lat": 1.5, "lon": 2.5}],
    "journal_title": "J",
    "conference_acronym": "C",
    "imprint_publisher": "Pub",
    "partof_title": "Book",
    "thesis_university": "Uni",
    "doi": "10.1234/external",
    "prereserve_doi": True,
    "rights": "x",
}


def test_every_legacy_key_maps_to_manifest_terms() -> None:
    out, notes = map_zenodo_json(LEGACY)
    assert out == {
        "title": "Spectra toolkit",
        "publication_date": "2024-05-01",
        "version": "2.1.0",
        "notes": "Some notes",
        "method": "Some method",
        "publisher": "Pub",
        "description": "<p>Line one <b>two</b></p>",
        "licenses": ["cc-by-4.0"],
        "resource_type": "publication-dissertation",
        "creators": [
            {
                "family": "Rossum",
                "given": "Guido van",
                "type": "personal",
                "affiliations": ["CWI"],
                "orcid": "0000-0002-1825-0097",
            },
            {"family": "Doe", "given": "Jane", "type": "personal"},
            {"name": "The SunPy Community", "type": "organizational"},
        ],
        "contributors": [
            {"family": "Roe", "given": "Rick", "type": "personal", "role": "datacurator"},
            {"family": "Poe", "given": "Pat", "type": "personal", "role": "other"},
            {"family": "Moe", "given": "Max", "type": "personal", "role": "supervisor"},
        ],
        "access": {"files": "restricted", "embargo": {"until": "2999-01-01"}},
        "keywords": ["NMR"],
        "languages": ["eng"],
        "references": ["Doe (2020). A paper."],
        "subjects": [{"subject": "Bronze Age"}],
        "communities": ["nmr"],
        "funding": [
            {"funder": "00k4n6c32", "award": "00k4n6c32::283595"},
            {"funder": "021nxhr62", "award": "021nxhr62::1234567"},
            {"funder": "001aqnf71", "award": "001aqnf71::EP/X1"},  # RCUK's awards are UKRI's
        ],
        "related_identifiers": [
            {"identifier": "10.1234/x", "relation": "IsSupplementTo", "resource_type": "publication-article"}
        ],
        "dates": [{"date": "2020-01/2020-06", "type": "collected"}],
        "locations": [{"place": "Lab", "lat": 1.5, "lon": 2.5}],
        "journal": {"title": "J"},
        "meeting": {"acronym": "C"},
        "imprint": {"title": "Book"},
        "thesis": {"university": "Uni"},
    }
    assert [(n.path, n.message.split(";")[0]) for n in notes] == [
        (("creators", 1, "name"), "'Jane Doe' has no comma"),
        (("creators", 1, "gnd"), "GND id '118540238' has no manifest counterpart"),
        (("creators", 2, "name"), "'The SunPy Community' has no 'Family, Given' form"),
        (("contributors", 1, "type"), "contributor type 'Boss' is not a Zenodo role"),
        (
            ("subjects", 0, "identifier"),
            "subject identifier 'https://id.loc.gov/authorities/subjects/sh85017321' is not in Zenodo's subject vocabularies",
        ),
        (
            ("grants", 2),
            "grant '10.13039/999::42': funder 10.13039/999 is not one of the funders whose awards Zenodo "
            "holds, so Zenodo's reader would not find it",
        ),
        (
            ("related_identifiers", 1, "relation"),
            "isAlternateIdentifier (another id of this record) has no manifest counterpart",
        ),
        (("doi",), "doi '10.1234/external' is not set by the manifest"),
        (
            ("access_conditions",),
            "access_conditions has no counterpart (Zenodo ignores it too: restricted records are disabled)",
        ),
        (("prereserve_doi",), "prereserve_doi is not needed: Zenodo reserves a DOI for every draft"),
        (("rights",), "'rights' is not a Zenodo deposit field"),
    ]
    assert {n.severity for n in notes} == {"warning"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CC-BY-4.0", "cc-by-4.0"),
        ("cc-by", "cc-by-4.0"),
        ("cc-zero", "cc0-1.0"),
        ("other-open", "other-open"),
        ("GPL-3.0", "gpl-3.0-only"),
        ("GPL-3.0+", "gpl-3.0-or-later"),
        ("MIT", "mit"),
        ({"id": "Apache-2.0"}, "apache-2.0"),
        (
            {
                "title": "GNU Lesser General Public License v3.0",
                "url": "https://www.gnu.org/licenses/lgpl-3.0.html",
            },
            "lgpl-3.0-only",
        ),
        (
            {"spdx_id": "NOASSERTION", "key": "gpl-3.0", "url": "https://api.github.com/licenses/gpl-3.0"},
            "gpl-3.0-only",
        ),
    ],
)
def test_licence_forms_people_write(value: object, expected: str) -> None:
    out, notes = map_zenodo_json(
        {"title": "T", "creators": [{"name": "A, B"}], "upload_type": "dataset", "license": value}
    )
    assert (out["licenses"], list(notes)) == ([expected], [])


def test_an_unknown_licence_is_an_error_not_a_silent_drop() -> None:
    out, notes = map_zenodo_json(
        {
            "title": "T",
            "creators": [{"name": "A, B"}],
            "upload_type": "dataset",
            "license": {"title": "My own"},
        }
    )
    assert "licenses" not in out
    assert [(n.field, n.path, n.severity) for n in notes] == [("licenses", ("license",), "error")]
    assert "matches no id of Zenodo's licence vocabulary" in notes[0].message


def test_json_reader_locates_duplicates_trailing_commas_and_syntax_errors() -> None:
    data, positions, warnings = jsonpos.load('{\n  "a": 1,\n  "b": [1, 2,],\n  "a": 2\n}', "f.json")
    assert data == {"a": 2, "b": [1, 2]}
    assert positions.at(("b", 1)) == (3, 12)
    assert [w.format() for w in warnings] == [
        f"f.json:3:13: b[1]: warning: trailing comma before ']'. {jsonpos.REJECTED}",
        "f.json:4:3: a: warning: duplicate key 'a': the last value is used, the earlier one is dropped "
        "(as Zenodo's reader, json.loads, does); remove the one you do not mean",
    ]
    with pytest.raises(jsonpos.JsonError) as info:  # no ':': not a member a comma is missing before
        jsonpos.load('{"a": 1\n "b" 2}', "f.json")
    assert (
        info.value.finding.format() == "f.json:2:2: not valid JSON: expected ',' or '}' after the value of a"
    )


def _project(tmp_path: Path, manifest: str, zenodo: object) -> Path:
    (tmp_path / ".zenodo.json").write_text(
        zenodo if isinstance(zenodo, str) else json.dumps(zenodo, indent=2), "utf-8"
    )
    path = tmp_path / "zenodeploy.yaml"
    path.write_text("version: 1\n" + manifest, "utf-8")
    return path


def test_a_deposition_takes_everything_and_its_own_fields_win(tmp_path: Path) -> None:
    path = _project(
        tmp_path, "depositions:\n  - key: rel\n    from: .zenodo.json\n    version: 3.0.0\n", LEGACY
    )
    loaded = load_manifest(path, profile={})
    data = loaded.depositions[0].data
    assert data["version"] == "3.0.0" and data["title"] == "Spectra toolkit"
    assert data["resource_type"] == "publication-dissertation" and data["license"] == "cc-by-4.0"
    shown = [f.format() for f in loaded.warnings]
    assert (
        f"{tmp_path / '.zenodo.json'}:16:7: creators[1].name: warning: 'Jane Doe' has no comma; taken as the person 'Doe, Jane'. Write 'Family, Given' in the file if the split is wrong"
        in shown
    )
    assert CliRunner().invoke(cli, ["validate", "--no-files", str(path)]).exit_code == 0
    with_profile = load_manifest(path, profile={"license": "mit", "creator": {"family": "Me"}})
    assert with_profile.depositions[0].data["license"] == "cc-by-4.0"  # the file's, not the profile's
    assert with_profile.depositions[0].data["creators"][0]["family"] == "Rossum"


def test_a_field_from_the_file_and_an_error_located_in_the_file(tmp_path: Path) -> None:
    broken = '{\n  "title": "Spectra",\n  "license": "no-such-licence"\n}'
    path = _project(
        tmp_path,
        "depositions:\n  - key: rel\n    title: {from: .zenodo.json}\n    license: {from: .zenodo.json}\n    creators: [{name: Lab}]\n",
        broken,
    )
    with pytest.raises(ManifestError) as info:
        load_manifest(path, profile={})
    assert [f.format() for f in info.value.findings if f.severity == "error"] == [
        f"{tmp_path / '.zenodo.json'}:3:3: license: licence 'no-such-licence' matches no id of Zenodo's licence vocabulary; "
        "write the license id (e.g. cc-by-4.0, mit, gpl-3.0-only) in the manifest"
    ]


def test_convert_prints_a_commented_manifest_that_validates(tmp_path: Path) -> None:
    (tmp_path / ".zenodo.json").write_text(json.dumps(LEGACY), "utf-8")
    (tmp_path / "CITATION.cff").write_text(
        "cff-version: 1.2.0\ntitle: Other\nkeywords: [from-cff]\nabstract: From CFF\n", "utf-8"
    )
    result = CliRunner().invoke(
        cli, ["convert", str(tmp_path / ".zenodo.json"), str(tmp_path / "CITATION.cff")]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "    # title: from .zenodo.json\n    title: Spectra toolkit\n" in text
    assert "    # keywords: from .zenodo.json\n" in text and "from-cff" not in text
    assert "  - key: spectra-toolkit\n" in text and "    license: cc-by-4.0\n" in text
    assert "#   " + str(tmp_path / ".zenodo.json") + ":1:" in text  # the notes, as comments
    assert yaml.safe_load(text)["depositions"][0]["creators"][0] == {
        "family": "Rossum", "given": "Guido van", "affiliations": ["CWI"], "orcid": "0000-0002-1825-0097"
    }  # fmt: skip
    manifest = tmp_path / "out" / "zenodeploy.yaml"
    manifest.parent.mkdir()
    manifest.write_text(text, "utf-8")
    assert CliRunner().invoke(cli, ["validate", "--no-files", str(manifest)]).exit_code == 0


def test_convert_fails_with_the_located_problem(tmp_path: Path) -> None:
    (tmp_path / ".zenodo.json").write_text('{"title": "T", "upload_type": "test"}', "utf-8")
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / ".zenodo.json")])
    assert result.exit_code == 1
    assert (
        f"{tmp_path / '.zenodo.json'}:1:16: upload_type: 'test' is not one of Zenodo's resource types"
        in result.stderr
    )
    assert (
        "error: 1 value could not be taken (left out above); correct the file and convert again"
        in result.stderr
    )


@pytest.mark.parametrize(
    "name", ["AAROC__CODE-RADE-container.json", "61baydin__6tisch-attack-dataset.json", "32bytess__spm.json"]
)
def test_an_html_description_renders_to_the_same_html(name: str) -> None:
    from zenodeploy.describe.markdown import markdown_to_html
    from zenodeploy.manifest.sourcenotes import description

    original = json.loads((Path(__file__).parent / "data" / "zenodo_json" / name).read_text("utf-8"))[
        "description"
    ]
    html, issues = markdown_to_html(description(original))

    def same(text: str) -> str:  # whitespace between tags is not rendered
        return re.sub(r">\s+<", "><", " ".join(text.split()))

    assert same(html) == same(original)
    assert issues == ()


def test_validate_hints_use_the_alias_table(tmp_path: Path) -> None:
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(
        "version: 1\ndepositions:\n  - key: a\n    title: Three\n    creators: [{name: Lab}]\n"
        "    licenses: [GPL-3.0, cc-by]\n    resource_type: article\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "--no-files", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        f"{path}:6:16: depositions[0].licenses[0]: unknown license 'GPL-3.0'; did you mean 'gpl-3.0-only'?",
        f"{path}:6:25: depositions[0].licenses[1]: unknown license 'cc-by'; did you mean 'cc-by-4.0'?",
        f"{path}:7:20: depositions[0].resource_type: unknown resource type 'article'; did you mean 'publication-article'?",
    ]


def test_object_fields_from_the_file(tmp_path: Path) -> None:
    zenodo = {
        "title": "Spectra",
        "description": "<p>HTML</p>",
        "access_right": "open",
        "creators": [{"name": "A, B"}],
    }
    path = _project(
        tmp_path,
        "depositions:\n  - key: a\n    title: {from: .zenodo.json}\n    description: {from: .zenodo.json}\n"
        "    access: {from: .zenodo.json}\n    creators: {from: .zenodo.json}\n",
        zenodo,
    )
    data = load_manifest(path, profile={}).depositions[0].data
    assert (data["description"], data["access"]) == ("<p>HTML</p>", {"files": "public"})


def test_a_broken_file_named_by_several_fields_is_reported_once(tmp_path: Path) -> None:
    fields = "depositions:\n  - key: a\n    title: {from: .zenodo.json}\n    creators: {from: .zenodo.json}\n"
    path = _project(tmp_path, fields, '{"title": "Three",\n "creators": [{"name": "A, B"}],\n}')
    loaded = load_manifest(path, profile={})  # a trailing comma is only a warning, shown once
    assert [f.format() for f in loaded.warnings] == [
        f"{tmp_path / '.zenodo.json'}:2:32: creators: warning: trailing comma before '}}'. "
        + jsonpos.REJECTED
    ]
    path.with_name(".zenodo.json").write_text('{"title": "Three"', "utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path, profile={})
    lines = [f.format() for f in info.value.findings]
    broken = (
        f"{tmp_path / '.zenodo.json'}:1:18: not valid JSON: expected ',' or '}}' after the value of title"
    )
    assert lines.count(broken) == 1  # not once per field that names the file


def test_a_datacite_style_description_object_gives_its_text_with_a_warning() -> None:
    out, notes = map_zenodo_json({"description": {"type": "Abstract", "text": "<p>What it does</p>"}})
    assert out["description"] == "<p>What it does</p>"
    warning = [n for n in notes if n.field == "description"]
    assert [(n.path, n.severity) for n in warning] == [(("description",), "warning")]
    assert "description is an object {type: Abstract, text} (DataCite's form)" in warning[0].message
    assert "'Not a valid string.'" in warning[0].message
    out, notes = map_zenodo_json({"description": {"type": "Abstract"}})  # no text: nothing to take
    assert "description" not in out
    assert [(n.field, n.severity) for n in notes if n.field == "description"] == [("description", "error")]


def test_a_number_is_taken_as_written_and_named_as_one_zenodo_refuses(tmp_path: Path) -> None:
    path = _project(
        tmp_path,
        "depositions:\n  - key: rel\n    from: .zenodo.json\n",
        '{\n  "title": "Spectra",\n  "version": 1.10,\n  "creators": [{"name": "Doe, Jane"}]\n}',
    )
    loaded = load_manifest(path, profile={})
    assert loaded.depositions[0].data["version"] == "1.10"  # not 1.1
    assert [f.format() for f in loaded.warnings if "number" in f.message] == [
        f"{tmp_path / '.zenodo.json'}:3:3: version: warning: version is the number 1.10; taken as the text "
        "'1.10', but Zenodo's reader takes only text here and refuses a number (\"Not a valid string.\"): "
        'write "version": "1.10" in the file'
    ]


def test_a_text_where_a_list_belongs_is_an_error_not_its_letters() -> None:
    data = {"title": "T", "keywords": "nmr, spectra", "references": "Doe J (2020)"}
    out, notes = map_zenodo_json(data)
    assert "keywords" not in out and "references" not in out
    assert [(n.path, n.severity) for n in notes if n.path[:1] in (("keywords",), ("references",))] == [
        (("keywords",), "error"),
        (("references",), "error"),
    ]
    text = '{\n  "title": "T",\n  "keywords": [1.10, "a"]\n}'
    data, positions, _ = jsonpos.load(text, "f.json")
    out, notes = map_zenodo_json(data, positions.written)
    assert out["keywords"] == ["1.10", "a"]
    assert any(n.path == ("keywords", 0) and "the number 1.10" in n.message for n in notes)


def test_a_subject_scheme_without_an_identifier_is_named() -> None:
    out, notes = map_zenodo_json({"title": "T", "subjects": [{"term": "x", "scheme": "url"}]})
    assert out["subjects"] == [{"subject": "x"}]
    assert [n.path for n in notes if n.field == "subjects"] == [("subjects", 0, "scheme")]
