"""CITATION.cff as real files write it: every CFF 1.2 construct with a Zenodo counterpart is
taken, and what is not taken is a note that names the key (located in the file)."""

from __future__ import annotations

from pathlib import Path

from zenodeploy.manifest.cff import map_cff
from zenodeploy.manifest.sources import read_source

CFF = """\
cff-version: 1.2.0
message: Please cite.
title: Spectra
type: dataset
abstract: Spectra of {{ things }}.
date-released: 2023-12-7
license: [GPL-3.0, CC-BY-4.0]
url: https://spectra.example.org
repository-artifact: https://pypi.org/project/spectra
commit: abc123
doi: 10.5281/zenodo.0000000
identifiers:
  - {type: doi, value: "https://doi.org/10.1234/a"}
  - {type: url, value: "https://example.org/release"}
  - {type: swh, value: "swh:1:rel:99"}
  - {type: other, value: "internal-42"}
authors:
  - family-names: Doe
    given-names: Jane
    orcid: https://orcid.org/https://orcid.org/0000-0002-1825-0097
    affiliation: [Lab A, Lab B]
  - "Rick Roe"
  - name: The SunPy Community
  - name: Jane Roe
  - family-names: The Spectra Project
  - given-names: Max
    orcid: https://orcid.org/0000-0000-0000-0000
    family-names: Moe
contact:
  - {family-names: Doe, given-names: Jane, email: jane@example.org}
preferred-citation:
  type: article
  title: Spectra, a paper
  authors: [{family-names: Doe, given-names: Jane}]
  url: https://arxiv.org/abs/2101.00001
  year: 2021
  journal: J. Spectra
references:
  - {type: article, title: Older work, doi: 10.1234/old, authors: [{family-names: Poe, given-names: Pat}], year: 2019}
  - {type: book}
custom-key: 1
"""


def test_every_construct_with_a_counterpart_is_taken(tmp_path: Path) -> None:
    (tmp_path / "CITATION.cff").write_text(CFF, "utf-8")
    source = read_source(tmp_path / "CITATION.cff", "CITATION.cff", "CITATION.cff")
    meta = source.metadata
    assert meta["title"] == "Spectra" and meta["resource_type"] == "dataset"
    assert meta["description"] == "{% raw %}Spectra of {{ things }}.{% endraw %}"
    assert meta["publication_date"] == "2023-12-07"
    assert meta["licenses"] == ["gpl-3.0-only", "cc-by-4.0"]
    assert meta["creators"] == [
        {"family": "Doe", "given": "Jane", "type": "personal", "affiliations": ["Lab A", "Lab B"]},
        {"name": "The SunPy Community", "type": "organizational"},
        {"name": "Jane Roe", "type": "organizational"},
        {"name": "The Spectra Project", "type": "organizational"},
        {"family": "Moe", "given": "Max", "type": "personal"},
    ]
    assert meta["contributors"] == [
        {"family": "Doe", "given": "Jane", "type": "personal", "role": "contactperson"}
    ]
    assert [(r["identifier"], r["scheme"], r.get("resource_type")) for r in meta["related_identifiers"]] == [
        ("10.1234/a", "doi", None),
        ("https://example.org/release", "url", None),
        ("https://archive.softwareheritage.org/swh:1:rel:99", "url", None),
        ("https://pypi.org/project/spectra", "url", "software"),
        ("https://spectra.example.org", "url", None),
        ("arXiv:2101.00001", "arxiv", "publication-article"),
    ]
    assert meta["references"] == [
        "Doe, J. (2021). Spectra, a paper. J. Spectra. https://arxiv.org/abs/2101.00001",
        {"reference": "Poe, P. (2019). Older work.", "identifier": "10.1234/old", "scheme": "doi"},
    ]
    assert [f.format() for f in sorted(source.findings(None))] == [
        "CITATION.cff:6:1: date-released: warning: date-released '2023-12-7' is not YYYY-MM-DD; read as 2023-12-07",
        "CITATION.cff:10:1: commit: warning: 'commit' has no Zenodo counterpart; not taken",
        "CITATION.cff:11:1: doi: warning: '10.5281/zenodo.0000000' is a placeholder DOI (the example of the CFF "
        "and GitHub docs), not taken; write the real DOI or remove it",
        "CITATION.cff:16:5: identifiers[3]: warning: identifier type 'other' (internal-42) has no Zenodo scheme; not taken",
        "CITATION.cff:20:5: authors[0].orcid: 'https://orcid.org/https://orcid.org/0000-0002-1825-0097' has the "
        "https://orcid.org/ prefix twice; write it once (https://orcid.org/0000-0002-1825-0097)",
        "CITATION.cff:22:5: authors[1]: authors[1] is not a mapping (family-names, given-names or name); it is left out",
        "CITATION.cff:24:5: authors[3].name: warning: 'Jane Roe' is given as name: (an entity); taken as an "
        "organisation. For a person write family-names and given-names",
        "CITATION.cff:25:5: authors[4].family-names: warning: 'The Spectra Project' has only family-names and reads "
        "as an organisation; taken as one (write it as name: in the file)",
        "CITATION.cff:27:5: authors[5].orcid: warning: ORCID 'https://orcid.org/0000-0000-0000-0000' is a placeholder, "
        "not taken; write the person's iD or remove the line",
        "CITATION.cff:30:44: contact[0].email: warning: 'email' is not taken: Zenodo's contributors have no "
        "e-mail (only names, identifiers and affiliations)",
        "CITATION.cff:40:5: references[1]: warning: a reference without a title is not taken",
        "CITATION.cff:41:1: custom-key: warning: 'custom-key' has no Zenodo counterpart in the manifest; not taken",
    ]


def test_orcid_urls_licence_urls_and_authors_only_under_the_preferred_citation() -> None:
    meta, notes = map_cff(
        {
            "title": "T",
            "license-url": "https://opensource.org/licenses/MIT",
            "preferred-citation": {
                "title": "P",
                "doi": "10.1234/p",
                "authors": [
                    {
                        "family-names": "Doe",
                        "given-names": "J",
                        "orcid": "https://orcid.org/0000-0002-1825-0097",
                    }
                ],
            },
        }
    )
    assert meta["licenses"] == ["mit"]
    assert meta["creators"] == [
        {"family": "Doe", "given": "J", "type": "personal", "orcid": "0000-0002-1825-0097"}
    ]
    assert meta["related_identifiers"] == [
        {
            "identifier": "10.1234/p",
            "scheme": "doi",
            "relation": "IsSupplementTo",
            "resource_type": "publication",
        }
    ]
    assert [n.message for n in notes] == [
        "no top-level 'authors'; the preferred citation's authors are taken"
    ]


def test_values_that_cannot_be_taken_are_errors_that_say_what_to_write() -> None:
    _, notes = map_cff(
        {"license": "Proprietary", "date-released": "01/02/2024", "type": "other-thing", "doi": "not-a-doi"}
    )
    assert [(n.path, n.severity, n.message) for n in notes] == [
        (
            ("date-released",),
            "error",
            "date-released '01/02/2024' is not an EDTF date: use YYYY, YYYY-MM, YYYY-MM-DD or start/end; write it as YYYY-MM-DD",
        ),
        (("type",), "error", "type 'other-thing' is neither software nor dataset"),
        (
            ("license",),
            "error",
            "licence 'Proprietary' matches no id of Zenodo's licence vocabulary; write the license id "
            "(e.g. cc-by-4.0, mit, gpl-3.0-only) in the manifest",
        ),
        (("doi",), "error", "'not-a-doi' is not a DOI (10.<prefix>/<suffix>); correct it or remove it"),
    ]


def test_family_names_alone_is_a_person_said_in_a_warning() -> None:
    meta, notes = map_cff({"authors": [{"family-names": "Fetch.ai"}]})
    assert meta["creators"] == [{"family": "Fetch.ai", "type": "personal"}]
    assert [(n.path, n.message) for n in notes] == [
        (
            ("authors", 0, "family-names"),
            "'Fetch.ai' has only family-names; taken as a person's family name. For an organisation write it as name:",
        )
    ]


def test_a_file_without_type_is_software_as_the_cff_schema_defaults(tmp_path: Path) -> None:
    (tmp_path / "CITATION.cff").write_text(
        "cff-version: 1.2.0\nmessage: Cite it.\ntitle: Tool\nauthors: [{family-names: Doe}]\n", "utf-8"
    )
    source = read_source(tmp_path / "CITATION.cff", "CITATION.cff", "CITATION.cff")
    assert source.metadata["resource_type"] == "software"
