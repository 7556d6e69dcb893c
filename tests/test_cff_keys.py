"""CITATION.cff and .zenodo.json values are taken as the file writes them, or named in a warning:
numbers that CFF types as text keep their text, and no key at any level is dropped silently."""

from __future__ import annotations

from pathlib import Path

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
