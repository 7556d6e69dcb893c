"""Offline parts of ``import``: record references, keys, the manifest text, the inverse mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.errors import ManifestError, UsageError
from zenodeploy.manifest import append, from_record
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.keys import key_from_title
from zenodeploy.manifest.load import load_manifest
from zenodeploy.manifest.metadata import comparable, to_rdm
from zenodeploy.reconcile import import_check
from zenodeploy.reconcile.import_fetch import Found
from zenodeploy.reconcile.importing import import_records
from zenodeploy.reconcile.observe import Remote
from zenodeploy.reconcile.payload import body_for
from zenodeploy.zenodo.records import RecordDoc, RemoteFile
from zenodeploy.zenodo.refs import record_id

ZENODO = "https://zenodo.org"


@pytest.mark.parametrize(
    ("ref", "base", "expected"),
    [
        ("1234567", ZENODO, "1234567"),
        ("10.5281/zenodo.1234567", ZENODO, "1234567"),
        ("doi:10.5281/zenodo.42", ZENODO, "42"),
        ("https://doi.org/10.5281/zenodo.1234567", ZENODO, "1234567"),
        ("https://dx.doi.org/10.5072/zenodo.9", "https://sandbox.zenodo.org", "9"),
        ("10.5072/zenodo.9", "http://127.0.0.1:5000", "9"),
        ("https://zenodo.org/records/1234567", ZENODO, "1234567"),
        ("https://zenodo.org/records/1234567/files/a.csv?download=1", ZENODO, "1234567"),
        ("https://zenodo.org/record/1234567", ZENODO, "1234567"),
        ("https://zenodo.org/uploads/77", ZENODO, "77"),
        ("https://sandbox.zenodo.org/deposit/77", "https://sandbox.zenodo.org", "77"),
        ("http://127.0.0.1:5000/records/3", "http://127.0.0.1:5000", "3"),
    ],
)
def test_record_references(ref: str, base: str, expected: str) -> None:
    assert record_id(ref, base) == expected


@pytest.mark.parametrize(
    ("ref", "base", "message"),
    [
        ("10.1021/acs.jchemed.0c00001", ZENODO, "is not a Zenodo DOI"),
        ("https://figshare.com/articles/1", ZENODO, "is not an address on Zenodo or on https://zenodo.org"),
        ("https://sandbox.zenodo.org/records/1", ZENODO, "run with --server sandbox"),
        ("https://zenodo.org/communities/x", ZENODO, "is not a record's address"),
        ("my data", ZENODO, "is not a record id, a DOI or a record's web address"),
        ("http://127.0.0.1:5001/records/3", "http://127.0.0.1:5000", "is not an address on Zenodo"),
        (
            "10.5072/zenodo.9",
            ZENODO,
            "is a DOI of the sandbox .a test DOI., but this run talks to https://zenodo.org.*--server sandbox",
        ),
        ("https://doi.org/10.5072/zenodo.9", ZENODO, "is a DOI of the sandbox"),
        ("10.5281/zenodo.9", "https://sandbox.zenodo.org", "is a DOI of zenodo.org, but .*--server zenodo"),
        ("10.5281/zenodo.9", "http://127.0.0.1:5000", "is a DOI of zenodo.org"),  # the emulator mints 10.5072
        ("10.1234/zenodo.9", ZENODO, "is not a Zenodo DOI"),
    ],
)
def test_references_that_name_no_record_say_why(ref: str, base: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        record_id(ref, base)


def test_keys_come_from_titles_and_never_collide() -> None:
    taken = {"nmr-spectra"}
    assert key_from_title("NMR spectra", taken) == "nmr-spectra-2"
    assert key_from_title("Ähnliche Daten: 2024 (v1.0)", set()) == "ahnliche-daten-2024-v1-0"
    assert key_from_title("???", set()) == "record"
    assert len(key_from_title("word " * 40, set())) <= 60


def test_a_long_title_makes_a_key_of_whole_words() -> None:
    title = "Statistical analysis of the Phaistos disc: a computational method for undeciphered scripts"
    assert key_from_title(title) == "statistical-analysis-of-the-phaistos-disc-a-computational"
    assert key_from_title("a" * 59 + " bc") == "a" * 59  # the word that would pass 60 is left out
    assert key_from_title("a" * 60 + " b") == "a" * 60  # a hyphen right after the limit: no word is cut
    assert key_from_title("x" * 70) == "x" * 60  # one word longer than the limit: cut at it


def test_append_keeps_the_file_and_follows_its_indentation() -> None:
    text = "version: 1\ndepositions:\n- key: a  # mine\n  title: A\n# about the server\nserver: zenodo\n"
    block = append.entry_text(
        {"key": "b", "title": "B", "description": "line one\n\nline two"}, ["a comment"]
    )
    out = append.append(text, [block])
    assert out.startswith("version: 1\ndepositions:\n- key: a  # mine\n  title: A\n- key: b\n")
    assert out.endswith("  # a comment\n# about the server\nserver: zenodo\n")
    data = yaml.safe_load(out)
    assert [d["key"] for d in data["depositions"]] == ["a", "b"]
    assert data["depositions"][1]["description"] == "line one\n\nline two"
    assert "description: |" in out


def test_append_into_an_empty_list_and_into_a_file_without_one() -> None:
    block = append.entry_text({"key": "b"})
    assert yaml.safe_load(append.append("version: 1\ndepositions: []\n", [block]))["depositions"] == [
        {"key": "b"}
    ]
    assert yaml.safe_load(append.append("version: 1", [block]))["depositions"] == [{"key": "b"}]


def test_the_inverse_mapping_gives_back_what_to_rdm_sends() -> None:
    entry = {
        "title": "T",
        "resource_type": "dataset",
        "publication_date": "2024-05-01",
        "creators": [
            {
                "family": "Doe",
                "given": "Jane",
                "orcid": "0000-0002-1825-0097",
                "affiliations": [{"ror": "05dxps055"}, "Lab"],
            }
        ],
        "contributors": [{"name": "ACME", "role": "sponsor"}],
        "notes": "one\n\ntwo",
        "license": "cc-by-4.0",
        "keywords": ["k"],
        "subjects": ["https://id.loc.gov/authorities/subjects/sh85118553"],
        "related_identifiers": [{"identifier": "10.1021/x", "relation": "IsSupplementTo", "scheme": "doi"}],
        "funding": [
            {"funder": "00k4n6c32", "award": {"number": "1", "title": "G", "url": "https://example.org/g"}}
        ],
        "references": ["A paper", {"reference": "B", "identifier": "10.1/b", "scheme": "doi"}],
        "dates": [{"date": "2022", "type": "collected"}],
        "locations": [{"place": "Geneva", "lat": 46.2, "lon": 6.1}],
        "access": {"files": "restricted"},
        "software": {"repository": "https://github.com/x/y", "language": ["python", "r"], "status": "active"},
        "thesis": {"university": "U"},
    }
    sent = to_rdm(entry, "<p>d</p>")
    back = from_record.entry_for(sent)
    assert comparable(sent, to_rdm(back, "<p>d</p>")) == comparable(sent, sent)
    assert back["related_identifiers"][0]["relation"] == "IsSupplementTo"
    assert back["notes"] == "one\n\ntwo"


def test_descriptions_with_jinja_delimiters_stay_literal() -> None:
    assert from_record.description("<p>{{ x }}</p>") == "{% raw %}<p>{{ x }}</p>{% endraw %}"
    assert from_record.description("<p>plain</p>") == "<p>plain</p>"


def test_keep_on_server_files_and_files_together_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n")
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: k\n    title: A title\n    creators: [{family: Doe}]\n"
        "    files: [a.csv]\n    keep_on_server: [files]\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    assert "zenodeploy.yaml:7:21: depositions[0].keep_on_server: keep_on_server lists files" in result.output
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: k\n    title: A title\n    publish: true\n"
        "    resource_type: dataset\n    keep_on_server: [files, creators]\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output  # no creators or files needed: the server has them


def test_fields_the_loader_would_refuse_or_that_do_not_come_back_are_left_to_the_server(
    tmp_path: Path,
) -> None:
    record = to_rdm(
        {
            "title": "A title",
            "creators": [{"family": "Doe"}],
            "license": "cc-by-4.0",
            "software": {"repository": "https://github.com/x/y", "status": "active"},
        },
        "<p>d</p>",
    )
    record["metadata"]["resource_type"] = {"id": "dataset-of-the-future"}  # not in the shipped vocabulary
    record["metadata"]["rights"] = [{"title": {"en": "My own licence"}}]  # no id: no manifest form
    record["custom_fields"]["code:developmentStatus"] = {"id": "x" * 3}
    body = from_record.entry_for(record)
    kept = import_check.settle(record, body, {"license": "mit"}, tmp_path)
    assert kept == {
        "resource_type",
        "rights",
        "custom_fields.code:codeRepository",
        "custom_fields.code:developmentStatus",
    }
    assert sorted(body) == ["creators", "description", "title"]  # publisher: Zenodo is the default


def test_a_save_carries_over_only_what_is_kept_on_the_server() -> None:
    server = {
        "metadata": {
            "title": "Old",
            "rights": [{"id": "mit", "title": {"en": "MIT"}}],
            "creators": [
                {
                    "person_or_org": {"type": "personal", "family_name": "Doe", "name": "Doe"},
                    "affiliations": [
                        {"id": "05dxps055", "name": "Brown", "identifiers": [{"scheme": "ror"}]}
                    ],
                    "role": {"id": "other", "title": {"en": "Other"}},
                }
            ],
        },
        "access": {
            "record": "public",
            "files": "restricted",
            "status": "embargoed",
            "embargo": {"active": True, "until": "2031-01-01"},
        },
    }
    doc = RecordDoc.parse(server)
    ours = {"metadata": {"title": "New"}, "access": {"record": "public", "files": "public"}}
    owned = body_for(ours, doc)
    assert "rights" not in owned["metadata"]  # owned: the manifest leaves it out, so it goes
    assert owned["access"] == {"record": "public", "files": "public"}
    kept = body_for(
        ours | {"access": {"record": "public"}}, doc, {"rights", "creators", "access.files", "access.embargo"}
    )
    assert kept["metadata"]["rights"] == server["metadata"]["rights"]
    assert kept["metadata"]["creators"][0]["affiliations"] == [{"id": "05dxps055"}]
    assert kept["metadata"]["creators"][0]["role"] == {"id": "other"}
    assert kept["access"] == {
        "record": "public",
        "files": "restricted",
        "embargo": {"active": True, "until": "2031-01-01"},
    }


@pytest.mark.parametrize(
    ("kept", "extra", "message"),
    [
        (
            "[license, keywords]",
            "",
            "keep_on_server cannot keep 'license': 'license' is the manifest's word, the record field it writes is 'rights': did you mean 'rights'?",
        ),
        (
            "[rights, keywords]",
            "",
            "keep_on_server cannot keep 'keywords': 'keywords' is the manifest's word, the record field it writes is 'subjects': did you mean 'subjects'?",
        ),
        ("[rights, titel]", "", "keep_on_server cannot keep 'titel': did you mean 'title'?"),
        (
            "[rights, title]",
            "",
            "keep_on_server keeps 'title' as it is on the server, but this deposition sets it with 'title:'",
        ),
        (
            "[subjects]",
            "    keywords: [a]\n",
            "keep_on_server keeps 'subjects' as it is on the server, but this deposition sets it with 'keywords:'",
        ),
    ],
)
def test_keep_on_server_names_are_checked_with_a_did_you_mean(
    tmp_path: Path, kept: str, extra: str, message: str
) -> None:
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: k\n    title: A title\n    creators: [{family: Doe}]\n"
        f"{extra}    keep_on_server: {kept}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1, result.output
    line = 6 + bool(extra)
    index = kept.strip("[]").split(", ").index(message.split("'")[1])
    assert f"zenodeploy.yaml:{line}:" in result.output, result.output
    assert f"depositions[0].keep_on_server[{index}]: {message}" in result.output, result.output
    assert "Traceback" not in result.output


def test_keep_on_server_takes_record_fields_access_and_custom_fields(tmp_path: Path) -> None:
    _validates(  # defaults may set a kept field: this deposition does not
        tmp_path,
        "version: 1\ndefaults:\n  license: cc-by-4.0\ndepositions:\n  - key: k\n    title: A title\n"
        "    creators: [{family: Doe}]\n    access: {files: public}\n"
        "    keep_on_server: [rights, locations, access.embargo, custom_fields.ac:location]\n",
    )


def test_keep_on_server_files_takes_no_files_from_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n")
    manifest = _validates(
        tmp_path,
        "version: 1\ndefaults:\n  files: [a.csv]\ndepositions:\n  - key: k\n    title: A title\n"
        "    creators: [{family: Doe}]\n    keep_on_server: [files]\n  - key: other\n    title: Other\n"
        "    creators: [{family: Doe}]\n",
    )
    deps = {d.key: d for d in load_manifest(manifest).depositions}
    assert "files" not in deps["k"].data and deps["other"].data["files"] == ["a.csv"]


def _validates(tmp_path: Path, text: str) -> Path:
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(text)
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    return manifest


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("version: 1\n# mine\ndepositions: [{key: a, title: A title}]\n", 3, "depositions: is"),
        (
            "version: 1\ndepositions:\n  [{key: a, title: A title},\n   {key: b, title: B title}]\n",
            3,
            "depositions: is",
        ),
        ("{version: 1, depositions: [{key: a, title: A title}]}\n", 1, "the whole manifest is"),
    ],
)
def test_inline_depositions_are_refused_before_anything_is_written(
    tmp_path: Path, text: str, line: int, what: str
) -> None:
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(text)
    doc = RecordDoc.parse({"id": "7", "is_published": True, "metadata": {"title": "Imported"}})
    found = Found([Remote("7", "published", doc, {"a.csv": RemoteFile("a.csv", 2, "0" * 32)}, doc)])

    with pytest.raises(ManifestError) as failure:
        import_records(None, manifest, "sandbox", found, download=Path("dl"))  # type: ignore[arg-type]

    (finding,) = failure.value.findings
    assert (finding.line, finding.path) == (line, "depositions")
    assert finding.message.startswith(f"{what} written inline") and "block style" in finding.message
    assert manifest.read_text() == text and sorted(p.name for p in tmp_path.iterdir()) == ["zenodeploy.yaml"]


def test_an_empty_inline_list_still_takes_entries() -> None:
    text = "version: 1\ndepositions: []\n"
    append.refuse_inline(text, "m.yaml")
    out = append.append(text, [append.entry_text({"key": "a", "title": "A title"})])
    assert yaml.safe_load(out)["depositions"] == [{"key": "a", "title": "A title"}]


def test_convert_and_import_make_the_same_key_from_a_title(tmp_path: Path) -> None:
    title = "Ähnliche Daten: release v1.0_final"
    (tmp_path / ".zenodo.json").write_text(json.dumps({"title": title}))

    written = yaml.safe_load(convert([tmp_path / ".zenodo.json"]).text)

    assert written["depositions"][0]["key"] == key_from_title(title) == "ahnliche-daten-release-v1-0-final"


def test_keep_on_server_under_defaults_is_checked_too(tmp_path: Path) -> None:
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndefaults:\n  keep_on_server: [license, locations]\ndepositions:\n  - key: k\n"
        "    title: A title\n    creators: [{family: Doe}]\n  - key: j\n    title: J title\n"
        "    creators: [{family: Doe}]\n    locations: [{place: Here}]\n  - key: own\n    title: Own\n"
        "    creators: [{family: Doe}]\n    locations: [{place: Here}]\n    keep_on_server: [rights]\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    assert (
        "zenodeploy.yaml:3:20: defaults.keep_on_server[0]: keep_on_server cannot keep 'license'"
        in result.output
    )
    assert (
        "zenodeploy.yaml:11:16: depositions[1].locations: defaults: keep_on_server keeps 'locations' as it is "
        "on the server, so 'locations:' here would never be sent" in result.output
    ), result.output
    assert "depositions[2]" not in result.output  # its own keep_on_server replaces the defaults'
