"""CITATION.cff and .zenodo.json values are taken as the file writes them, or named in a warning:
numbers that CFF types as text keep their text, and no key at any level is dropped silently."""

from __future__ import annotations

from pathlib import Path

from zenodeploy.manifest.cff import map_cff
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.sources import Source, read_source

HEAD = "cff-version: 1.2.0\nmessage: m\ntitle: My tool\n"
JANE = "authors:\n  - family-names: Doe\n    given-names: Jane\n"


def _source(tmp_path: Path, text: str, name: str = "CITATION.cff") -> Source:
    (tmp_path / name).write_text(text, "utf-8")
    return read_source(tmp_path / name, name, name)


def test_a_version_written_as_a_number_keeps_its_text(tmp_path: Path) -> None:
    for written, expected in (
        ("1.10", "1.10"),
        ("2.0", "2.0"),
        ("3", "3"),
        ("0x1F", "0x1F"),
        ("'1.10'", "1.10"),
    ):
        meta = _source(tmp_path, f"{HEAD}version: {written}\n{JANE}").metadata
        assert meta["version"] == expected, written
    (tmp_path / "CITATION.cff").write_text(f"{HEAD}version: 1.10\n{JANE}", "utf-8")
    assert "    version: '1.10'\n" in convert([tmp_path / "CITATION.cff"]).text


def test_text_keys_keep_their_text_and_integer_keys_stay_integers(tmp_path: Path) -> None:
    cff = (
        f"{HEAD}{JANE}keywords: [1.10, yes]\n"
        "references:\n"
        "  - {type: article, title: 2.50, journal: J, year: 2019, volume: 10, issue: 2.10, "
        "authors: [{family-names: Poe, given-names: Pat}]}\n"
    )
    meta = _source(tmp_path, cff).metadata
    assert meta["keywords"] == ["1.10", "yes"]
    assert meta["references"] == ["Poe, P. (2019). 2.50. J, 10(2.10)."]


def test_a_doi_org_url_is_its_doi_and_a_duplicate_of_it_is_dropped(tmp_path: Path) -> None:
    cff = (
        f"{HEAD}{JANE}identifiers:\n  - {{type: url, value: 'https://doi.org/10.1234/ABC'}}\n"
        "  - {type: doi, value: 10.5281/zenodo.5725301}\n"
        "repository: 'https://doi.org/10.5281/zenodo.5725301'\n"
        "url: 'http://dx.doi.org/10.9999/lone'\n"
        "preferred-citation: {type: article, title: Paper, doi: 10.1234/abc}\n"
    )
    related = _source(tmp_path, cff).metadata["related_identifiers"]
    assert [(r["identifier"], r["scheme"], r.get("resource_type")) for r in related] == [
        ("10.1234/ABC", "doi", None),
        ("10.5281/zenodo.5725301", "doi", None),
        ("10.9999/lone", "doi", None),
    ]
    real = Path(__file__).parent / "data" / "cff" / "InPhyT__UnrollingAverages.jl.cff"
    ids = [r["identifier"] for r in read_source(real, real.name, real.name).metadata["related_identifiers"]]
    assert [i for i in ids if "5725301" in i] == ["10.5281/zenodo.5725301"]


def test_author_keys_zenodo_has_no_place_for_are_named_once_per_key_with_a_count(tmp_path: Path) -> None:
    cff = (
        f"{HEAD}authors:\n  - family-names: Doe\n    given-names: Jane\n    email: jane@example.org\n"
        "    colour: blue\n  - name: ACME Lab\n    email: lab@example.org\n    website: https://acme.example\n"
        "    orcid: https://orcid.org/0000-0002-1825-0097\n"
        "  - family-names: Roe\n    name: Rick Roe\n    alias: rroe\n"
    )
    source = _source(tmp_path, cff)
    assert source.metadata["creators"][1] == {
        "name": "ACME Lab",
        "type": "organizational",
        "orcid": "0000-0002-1825-0097",
    }
    assert [f.format() for f in sorted(source.findings(None))] == [
        "CITATION.cff:7:5: authors[0].email: warning: 'email' of 2 authors (authors[*].email) is not taken: "
        "Zenodo's creators have no e-mail (only names, identifiers and affiliations)",
        "CITATION.cff:8:5: authors[0].colour: warning: 'colour' is not taken: it is not a key of a CFF 1.2 "
        "person or entity (misspelt?)",
        "CITATION.cff:11:5: authors[1].website: warning: 'website' is not taken: Zenodo's creators have no "
        "web address (only names, identifiers and affiliations)",
        "CITATION.cff:13:5: authors[2].family-names: warning: 'Roe' has only family-names; taken as a "
        "person's family name. For an organisation write it as name:",
        "CITATION.cff:14:5: authors[2].name: warning: name is not taken: family-names already name this person",
        "CITATION.cff:15:5: authors[2].alias: warning: 'alias' is not taken: Zenodo's creators have no alias "
        "(only names, identifiers and affiliations)",
    ]


def test_nine_authors_e_mails_are_one_line() -> None:
    real = Path(__file__).parent / "data" / "cff" / "ImperialCollegeLondon__pyrealm.cff"
    lines = [
        f.message for f in read_source(real, real.name, real.name).findings(None) if "email" in f.message
    ]
    assert lines == [
        "'email' of 9 authors (authors[*].email) is not taken: Zenodo's creators have no e-mail "
        "(only names, identifiers and affiliations)"
    ]


def test_zenodo_json_people_and_list_entries_name_the_keys_they_do_not_take(tmp_path: Path) -> None:
    data = (
        '{"title": "T", "upload_type": "software",\n'
        ' "creators": [{"name": "Doe, Jane", "email": "j@x.org", "colour": "blue"}, {"name": "Roe, Rick", "email": "r@x.org"}],\n'
        ' "contributors": [{"name": "Poe, Pat", "type": "Editor", "email": "p@x.org"}],\n'
        ' "subjects": [{"term": "Physics", "note": "n"}],\n'
        ' "related_identifiers": [{"identifier": "10.1234/x", "relation": "isPartOf", "title": "t"}]}\n'
    )
    source = _source(tmp_path, data, ".zenodo.json")
    assert source.metadata["creators"] == [
        {"family": "Doe", "given": "Jane", "type": "personal"},
        {"family": "Roe", "given": "Rick", "type": "personal"},
    ]
    assert [(f.path, f.message) for f in sorted(source.findings(None))] == [
        (
            "creators[0].email",
            "'email' of 2 creators (creators[*].email) is not taken: Zenodo's creators have no e-mail "
            "(only names, identifiers and affiliations)",
        ),
        (
            "creators[0].colour",
            "'colour' is not taken: it is not a key of a .zenodo.json creator, which has name, affiliation, "
            "orcid, gnd (misspelt?)",
        ),
        (
            "contributors[0].email",
            "'email' is not taken: Zenodo's contributors have no e-mail (only names, identifiers and affiliations)",
        ),
        (
            "subjects[0].note",
            "'note' is not taken: it is not a key of subjects in Zenodo's deposit API, which reads term, "
            "identifier, scheme (misspelt?)",
        ),
        (
            "related_identifiers[0].title",
            "'title' is not taken: it is not a key of related_identifiers in Zenodo's deposit API, which reads "
            "identifier, relation, resource_type, scheme (misspelt?)",
        ),
    ]


def test_a_reference_shows_what_it_can_and_names_the_rest(tmp_path: Path) -> None:
    cff = (
        f"{HEAD}{JANE}references:\n"
        "  - type: software\n    title: Tool\n    version: 2.10\n    year: 2020\n    month: 3\n"
        "    authors: [{family-names: Poe, given-names: Pat, orcid: 'https://orcid.org/0000-0002-1825-0097'}]\n"
        "    journal: J\n    volume: 4\n    start: 10\n    end: 19\n"
        "    publisher: {name: ACME, city: Springfield}\n    url: https://tool.example\n"
    )
    source = _source(tmp_path, cff)
    assert source.metadata["references"] == [
        "Poe, P. (2020). Tool (version 2.10) [software]. J, 4, 10–19. ACME. https://tool.example"
    ]
    assert [(f.path, f.message.split(": ")[-1]) for f in sorted(source.findings(None))] == [
        (
            "references[0].month",
            "a Zenodo reference is one line of text and an identifier, and the line has no month",
        ),
        (
            "references[0].authors[0].orcid",
            "a Zenodo reference is one line of text and an identifier, and the line has no orcid",
        ),
        (
            "references[0].publisher.city",
            "a Zenodo reference is one line of text and an identifier, and the line has no city",
        ),
    ]


def test_keywords_written_as_one_text_are_an_error_not_letters() -> None:
    metadata, notes = map_cff({"cff-version": "1.2.0", "title": "T", "keywords": "nmr"})
    assert "keywords" not in metadata
    assert [(n.path, n.severity) for n in notes if n.path == ("keywords",)] == [(("keywords",), "error")]
