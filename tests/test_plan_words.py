"""The plan in the manifest's words: one fixture per manifest field pins the lines ``plan`` prints."""

from __future__ import annotations

from typing import Any

import pytest
from tests.test_plan import FILE, META, desired, remote

from zenodeploy.cli.plan_report import action_json, describe
from zenodeploy.manifest.metadata import to_rdm
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.observe import Observation, Remote
from zenodeploy.reconcile.plan import UpdateMetadata, compute_plan
from zenodeploy.zenodo.records import RecordDoc

DOE = {"family": "Doe", "given": "Jane", "affiliations": ["MIT"]}
ROE = {"family": "Roe", "given": "Ann"}
PAPER = {"identifier": "10.1021/acs.jpca.1c01234", "relation": "IsSupplementTo"}
TWO = "<p>First paragraph.</p><p>Run <code>make</code> to build the whole thing again.</p>"


def _actions(old: dict[str, Any], new: dict[str, Any], old_html: str, new_html: str) -> list[Any]:
    d = DesiredDeposition(key="k", record=to_rdm({**META, **new}, new_html), files=(FILE,))
    entries = [{"key": "a.zip", "size": 10, "checksum": f"md5:{'0' * 32}", "status": "completed"}]
    server = {"id": "1", **to_rdm({**META, **old}, old_html), "files": {"enabled": True, "entries": entries}}
    doc = RecordDoc.parse(server)
    return list(compute_plan(d, Observation("k", Remote("1", "draft", doc, doc.files), "lock")).actions)


def plan_lines(
    old: dict[str, Any], new: dict[str, Any], old_html: str = TWO, new_html: str = TWO
) -> list[str]:
    return [line for a in _actions(old, new, old_html, new_html) for line in describe(a).splitlines()]


CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    ("title", {"title": "Old title"}, {}, ['~ title: "Old title" → "Spectra of aspirin"']),
    ("version", {}, {"version": "1.1"}, ['~ version: (unset) → "1.1"']),
    (
        "publication_date",
        {},
        {"publication_date": "2024-06-01"},
        ['~ publication_date: "2024-05-01" → "2024-06-01"'],
    ),
    ("publisher", {}, {"publisher": "Lab"}, ['~ publisher: "Zenodo" → "Lab"']),
    ("resource_type", {}, {"resource_type": "software"}, ['~ resource_type: "dataset" → "software"']),
    ("license", {"license": "cc-by-4.0"}, {"license": "mit"}, ["~ license: cc-by-4.0 → mit"]),
    ("license set", {}, {"license": "mit"}, ["~ license: (unset) → mit"]),
    ("licenses", {"licenses": ["mit"]}, {"licenses": ["mit", "cc0-1.0"]}, ["+ license cc0-1.0"]),
    (
        "keywords",
        {"keywords": ["nmr", "survey"]},
        {"keywords": ["nmr", "field study"]},
        ['- keyword "survey"', '+ keyword "field study"'],
    ),
    ("subjects", {}, {"subjects": [{"subject": "Chemistry", "scheme": "FOS"}]}, ["+ subject FOS: Chemistry"]),
    ("creators added", {"creators": [DOE]}, {"creators": [DOE, ROE]}, ['+ creator "Roe, Ann"']),
    ("creators removed", {"creators": [DOE, ROE]}, {"creators": [ROE]}, ['- creator "Doe, Jane"']),
    (
        "creator affiliation",
        {"creators": [ROE, DOE]},
        {"creators": [ROE, {**DOE, "affiliations": ["MIT", "ETH"]}]},
        ['~ creator 2 "Doe, Jane": affiliations: "MIT" → "MIT", "ETH"'],
    ),
    (
        "creator orcid",
        {"creators": [ROE]},
        {"creators": [{**ROE, "orcid": "0000-0002-1825-0097"}]},
        ['~ creator 1 "Roe, Ann": orcid: (unset) → "0000-0002-1825-0097"'],
    ),
    (
        "creators order",
        {"creators": [DOE, ROE]},
        {"creators": [ROE, DOE]},
        ['~ creators order: "Doe, Jane", "Roe, Ann" → "Roe, Ann", "Doe, Jane"'],
    ),
    ("contributors", {}, {"contributors": [{**ROE, "role": "datacurator"}]}, ['+ contributor "Roe, Ann"']),
    ("languages", {"languages": ["eng"]}, {"languages": ["deu"]}, ["- language eng", "+ language deu"]),
    (
        "related_identifiers",
        {},
        {"related_identifiers": [PAPER]},
        ["+ related IsSupplementTo 10.1021/acs.jpca.1c01234"],
    ),
    (
        "related relation",
        {"related_identifiers": [PAPER]},
        {"related_identifiers": [{**PAPER, "relation": "IsCitedBy"}]},
        ["- related IsSupplementTo 10.1021/acs.jpca.1c01234", "+ related IsCitedBy 10.1021/acs.jpca.1c01234"],
    ),
    (
        "funding",
        {},
        {"funding": [{"funder": "00k4n6c32", "award": "00k4n6c32::101001234"}]},
        ["+ funding 00k4n6c32 00k4n6c32::101001234"],
    ),
    (
        "references",
        {"references": ["Doe J (2020) Old paper."]},
        {},
        ['- reference "Doe J (2020) Old paper."'],
    ),
    (
        "dates",
        {},
        {"dates": [{"date": "2023-01-01/2023-06-30", "type": "collected"}]},
        ["+ date 2023-01-01/2023-06-30 collected"],
    ),
    ("locations", {}, {"locations": [{"place": "Bern", "lat": 46.9, "lon": 7.4}]}, ['+ location "Bern"']),
    (
        "notes",
        {"notes": "Measured at 25 C."},
        {"notes": "Measured at 30 C."},
        ['~ notes: "Measured at 25 C." → "Measured at 30 C."'],
    ),
    ("method", {}, {"method": "Proton NMR at 400 MHz."}, ['+ method "Proton NMR at 400 MHz."']),
    ("access.record", {}, {"access": {"record": "restricted"}}, ['~ access.record: "public" → "restricted"']),
    (
        "access.embargo",
        {},
        {"access": {"embargo": {"until": "2030-01-01", "reason": "patent"}}},
        [
            '~ access.embargo.until: (unset) → "2030-01-01"',
            '~ access.embargo.reason: (unset) → "patent"',
            '~ access.files: "public" → "restricted"',
        ],
    ),
    (
        "journal",
        {"journal": {"title": "J. Chem.", "volume": "3"}},
        {"journal": {"title": "J. Chem.", "volume": "4"}},
        ['~ journal.volume: "3" → "4"'],
    ),
    ("meeting", {}, {"meeting": {"title": "NMR 2024"}}, ['~ meeting.title: (unset) → "NMR 2024"']),
    ("imprint", {"imprint": {"place": "Bern"}}, {}, ['~ imprint.place: "Bern" → (unset)']),
    (
        "thesis",
        {"thesis": {"university": "ETH"}},
        {"thesis": {"university": "ETH Zurich"}},
        ['~ thesis.university: "ETH" → "ETH Zurich"'],
    ),
    (
        "software.repository",
        {},
        {"software": {"repository": "https://github.com/o/r"}},
        ['~ software.repository: (unset) → "https://github.com/o/r"'],
    ),
    (
        "software.language",
        {"software": {"language": ["python"]}},
        {"software": {"language": ["python", "r"]}},
        ["+ software.language r"],
    ),
    (
        "software.status",
        {"software": {"status": "wip"}},
        {"software": {"status": "active"}},
        ['~ software.status: "wip" → "active"'],
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_manifest_field_reads_in_manifest_words(
    old: dict[str, Any], new: dict[str, Any], expected: list[str]
) -> None:
    assert plan_lines(old, new) == expected


def test_removing_one_word_from_a_two_paragraph_description_shows_that_line() -> None:
    """Inline tags (``<code>``) do not split lines: the changed paragraph is one line."""
    shorter = TWO.replace("the whole thing", "it")
    assert plan_lines({}, {}, TWO, shorter) == [
        '~ description line 2: "…make to build the whole thing again." → "…make to build it again."'
    ]


def test_a_description_set_or_removed_says_how_long_it_is() -> None:
    assert plan_lines({}, {}, TWO, "") == ['- description "First paragraph." … (2 lines)']
    assert plan_lines({}, {}, "", TWO) == ['+ description "First paragraph." … (2 lines)']


def test_a_paragraph_added_is_one_plus_line() -> None:
    longer = TWO + "<ul><li>one item</li></ul>"
    assert plan_lines({}, {}, TWO, longer) == ['+ description line 3: "• one item"']


def test_long_values_are_cut_between_words_never_inside_one() -> None:
    title = "A very long title " + "with many words " * 8 + "and a-final-token-that-is-long"
    (line,) = plan_lines({"title": "Short"}, {"title": title})
    shown = line.split(" → ")[1]
    assert shown.endswith(' …"') and len(shown) < 80
    assert shown[1:-3] == title[: len(shown) - 4]
    assert title[len(shown) - 4] == " "  # cut at a blank
    url = "https://example.org/" + "x" * 120
    (line,) = plan_lines({}, {"software": {"repository": url}})
    assert line.endswith(f'"{url}"')  # one token: shown whole


def test_server_enrichment_never_shows_as_a_change_when_items_are_added() -> None:
    """The server names people and titles vocabulary entries; a creator added beside an enriched
    one is the only line."""
    d = desired(meta={"creators": [{"family": "Doe", "given": "J"}, ROE]})
    enriched = {"person_or_org": {"type": "personal", "family_name": "Doe", "given_name": "J"}}
    (action,) = [a for a in compute_plan(d, Observation("k", remote(d, creators=[enriched]), "lock")).actions]
    assert describe(action) == '+ creator "Roe, Ann"'


def test_the_json_plan_carries_the_structured_changes() -> None:
    (action,) = _actions(
        {"keywords": ["nmr", "survey"], "license": "cc-by-4.0"},
        {"keywords": ["nmr", "field study"], "license": "mit"},
        TWO,
        TWO,
    )
    assert isinstance(action, UpdateMetadata)
    out = action_json(action)
    assert out["text"] == describe(action)
    by_field = {c["field"]: c for c in out["changes"]}
    assert by_field["keywords"] | {"lines": None} == {
        "field": "keywords",
        "old": ["nmr", "survey"],
        "new": ["nmr", "field study"],
        "added": ["field study"],
        "removed": ["survey"],
        "changed": [],
        "lines": None,
    }
    assert (by_field["license"]["old"], by_field["license"]["new"]) == (["cc-by-4.0"], ["mit"])
