"""The payloads the conformance suite sends to both InvenioRDM's schema and the emulator.

``corpus()`` returns ``[(name, body)]``: the client's payloads for every example and for a
manifest using every field (rendered by zenodeploy itself), hand-written edge cases
(Unicode, HTML, identifiers, every metadata and custom field with good and bad values),
and ``GENERATED`` payloads from a seeded generator (deterministic).
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

from zenodeploy.manifest.load import load_manifest
from zenodeploy.reconcile import resolve

ROOT = Path(__file__).resolve().parents[2]
GENERATED = 320
SEED = 20240901

BASE: dict[str, Any] = {
    "metadata": {
        "resource_type": {"id": "dataset"},
        "title": "Base record",
        "creators": [{"person_or_org": {"type": "personal", "family_name": "Doe", "given_name": "Jane"}}],
        "publication_date": "2024-05-01",
        "publisher": "Zenodo",
    },
    "access": {"record": "public", "files": "public"},
    "files": {"enabled": True},
}

UNICODE = [
    "“Curly” ‘quotes’",
    "ﬁle ﬀ ligatures",
    "Ｆｕｌｌ ｗｉｄｔｈ",
    "  surrounding spaces  ",
    "\u00a0nbsp around\u00a0",
    "nul\x00char",
    "ctrl\x01\x08chars",
    "zero\u200bwidth",
    "Tom &amp; Jerry",
    "a < b &amp; c",
    "x&nbsp;y",
    "line\r\nbreak",
    "line\u2028sep",
    "Ã© mojibake",
    "e\u0301 combining",
    "tab\there — dash … ellipsis",
    "soft\u00adhyphen zw\u200dj",
    "emoji 🧪 astral",
    "\ufffe nonchar",
]
HTML = [
    "<p>plain paragraph</p>",
    "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
    "<table><tfoot><tr><td>f</td></tr></tfoot><colgroup><col span='2'></colgroup></table>",
    "<p><s>struck</s> <del>deleted</del> <strike>old</strike></p>",
    '<p class="x" style="color:red" id="y" lang="en" dir="ltr">attrs</p>',
    '<a href="https://x.org" target="_blank" rel="noopener" title="t" name="n">link</a>',
    '<a href="ftp://x.org">ftp</a> <a href="javascript:alert(1)">js</a> <a href="/local">rel</a>',
    '<img src="x.png" alt="pic"> after image',
    "<script>alert(1)</script>text after script",
    "<h1>T</h1><h6>six</h6><hr>",
    "<dl><dt>t</dt><dd>d</dd></dl>",
    "Tom & Jerry",
    "x < y > z",
    "<P>UP</P><br/><p >sp</p >",
    "<p>unclosed",
    "<!-- comment --><p>after comment</p>",
    "  <p>a</p>\n\n<p>b</p>  ",
    "<p>a</p><p></p>",
    '<td colspan="2">cell</td>',
    "<p>“quoted”</p>",
    "<img src=x>",
    "<ol start='3'><li>three</li></ol><ul><li>u</li></ul>",
    "<pre><code>code\n  block</code></pre>",
    "<span class='c'>sp</span><div>dv</div><sub>1</sub><sup>2</sup><u>u</u>",
    "<abbr title='t'>AB</abbr> <acronym title='a' lang='en'>AC</acronym>",
    "<math><mi>x</mi></math><figure>fig</figure><small>s</small>",
]
IDENTIFIERS = [
    {"identifier": "10.1234/abc"},
    {"identifier": "doi:10.1234/abc"},
    {"identifier": "https://doi.org/10.1234/ABC"},
    {"identifier": "http://dx.doi.org/10.1234/abc"},
    {"identifier": "https://hdl.handle.net/20.500.1/1"},
    {"identifier": "hdl:20.500.1/1"},
    {"identifier": "2101.00001"},
    {"identifier": "arXiv:2101.00001"},
    {"identifier": "https://arxiv.org/abs/2101.00001"},
    {"identifier": "PMID:12345678"},
    {"identifier": "9783161484100"},
    {"identifier": "https://github.com/org/repo"},
    {"identifier": "Q42"},
    {"identifier": "https://www.wikidata.org/wiki/Q42"},
    {"identifier": "swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505"},
    {"identifier": "10.1234/abc", "scheme": "DOI"},
    {"identifier": "10.1234/abc", "scheme": "url"},
    {"identifier": "not a doi", "scheme": "doi"},
    {"identifier": "swh:1:dir:abc", "scheme": "other"},
    {"identifier": "urn:nbn:de:101:1-201102033592", "scheme": "urn"},
    {"identifier": "0317-8471", "scheme": "issn"},
    {"identifier": "ark:/13030/tf5p30086k"},
    {"identifier": "  10.1234/spaced  "},
    {"identifier": ""},
    {"scheme": "doi"},
    {"identifier": 42},
    {"identifier": "10.1234/abc", "scheme": "doi", "extra": 1},
]
PERSON_IDS = [
    {"identifier": "0000-0002-1825-0097"},
    {"identifier": "https://orcid.org/0000-0002-1825-0097"},
    {"identifier": "http://orcid.org/0000-0002-1825-0097"},
    {"identifier": "0000000218250097"},
    {"identifier": "orcid.org/0000-0002-1825-0097"},
    {"identifier": "0000-0002-1825-0098", "scheme": "orcid"},
    {"identifier": "0000-0002-1694-233x"},
    {"identifier": "https://ror.org/01ggx4157"},
    {"identifier": "4079154-3", "scheme": "gnd"},
    {"identifier": "0000 0001 2146 438X", "scheme": "isni"},
    {"identifier": "12345", "scheme": "edmo"},
    {"identifier": "nothing"},
]
DATES = ["2024", "2024-05", "2024-05-01", "2020-01/2021-06", "2024-13-01", "2020-02-30", "2020-6-1",
         "2020-05-01T10:00:00", "2020?", "2021/2020", "May 2024", " 2024-05-01 ", "", "2020-01-01/2020-01-01",
         "2021-02-29", "2020-02-29", "2021-02-29/2021-03-01", "2020-21", "2020-06-01/..", "../2020", "2020-01-01T25:00:00"]  # fmt: skip
LANGS = ["eng", "deu", "fra", "spa"]
LICENSES = ["cc-by-4.0", "mit", "cc0-1.0", "apache-2.0", "gpl-3.0-or-later"]
RELATIONS = ["issupplementto", "cites", "isderivedfrom", "references", "isversionof"]
ROLES = ["datacurator", "editor", "other", "researcher", "contactperson"]


def with_md(**fields: Any) -> dict[str, Any]:
    body = copy.deepcopy(BASE)
    body["metadata"].update(fields)
    return body


def with_cf(**fields: Any) -> dict[str, Any]:
    body = copy.deepcopy(BASE)
    body["custom_fields"] = {k.replace("__", ":"): v for k, v in fields.items()}
    return body


def client_payloads() -> list[tuple[str, dict[str, Any]]]:
    """What ``zenodeploy render --format json`` shows as ``record``, per deposition."""
    manifests = sorted((ROOT / "examples").glob("*/zenodeploy.yaml"))
    manifests.append(Path(__file__).resolve().parent / "data" / "all-fields.yaml")
    out = []
    for manifest in manifests:
        for desired in resolve.resolve(load_manifest(manifest), check_files=False).depositions:
            out.append((f"client:{manifest.parent.name}/{desired.key}", copy.deepcopy(desired.record)))
    return out


def field_cases() -> list[tuple[str, dict[str, Any]]]:
    """Each metadata and custom field, good and bad values."""
    person = {"type": "personal", "family_name": "Doe", "given_name": "J"}
    cases: list[tuple[str, dict[str, Any]]] = [
        ("empty-body", {}),
        ("empty-metadata", {"metadata": {}}),
        ("null-metadata", {"metadata": None}),
        ("metadata-list", {"metadata": []}),
        ("unknown-top-level", {**BASE, "links": {"self": "x"}, "id": "1", "is_draft": True}),
        ("legacy-keys", with_md(keywords=["a"], upload_type="dataset", license="mit", notes="n")),
        ("resource-type-string", with_md(resource_type="dataset")),
        ("resource-type-title-echo", with_md(resource_type={"id": "dataset", "title": {"en": "Dataset"}})),
        ("resource-type-props", with_md(resource_type={"id": "dataset", "props": {"type": "x"}})),
        ("title-short", with_md(title="ab")),
        ("title-null", with_md(title=None)),
        ("title-number", with_md(title=5)),
        ("creators-empty", with_md(creators=[])),
        ("creator-no-type", with_md(creators=[{"person_or_org": {"family_name": "X"}}])),
        ("creator-bad-type", with_md(creators=[{"person_or_org": {"type": "robot", "name": "R"}}])),
        ("creator-no-family", with_md(creators=[{"person_or_org": {"type": "personal", "given_name": "G"}}])),
        ("creator-only-name", with_md(creators=[{"person_or_org": {"type": "personal", "name": "Doe, J"}}])),
        (
            "org-with-given",
            with_md(creators=[{"person_or_org": {"type": "organizational", "name": "O", "given_name": "x"}}]),
        ),
        ("org-no-name", with_md(creators=[{"person_or_org": {"type": "organizational"}}])),
        ("creator-string", with_md(creators=["Doe, J"])),
        ("creator-role", with_md(creators=[{"person_or_org": person, "role": {"id": "editor"}}])),
        (
            "creator-affiliations",
            with_md(
                creators=[{"person_or_org": person, "affiliations": [{"name": "CERN"}, {"id": "01ggx4157"}]}]
            ),
        ),
        ("creator-affiliation-empty", with_md(creators=[{"person_or_org": person, "affiliations": [{}]}])),
        (
            "creator-affiliation-dup",
            with_md(
                creators=[{"person_or_org": person, "affiliations": [{"name": "CERN"}, {"name": "CERN"}]}]
            ),
        ),
        (
            "creator-affiliation-identifiers",
            with_md(
                creators=[{"person_or_org": person, "affiliations": [{"name": "CERN", "identifiers": []}]}]
            ),
        ),
        (
            "creator-two-orcids",
            with_md(
                creators=[
                    {
                        "person_or_org": {
                            **person,
                            "identifiers": [
                                {"identifier": "0000-0002-1825-0097"},
                                {"identifier": "0000-0001-5109-3700"},
                            ],
                        }
                    }
                ]
            ),
        ),
        ("contributor-no-role", with_md(contributors=[{"person_or_org": person}])),
        (
            "contributor-role",
            with_md(contributors=[{"person_or_org": person, "role": {"id": "datacurator"}}]),
        ),
        (
            "additional-titles",
            with_md(
                additional_titles=[
                    {"title": "Sub", "type": {"id": "subtitle"}, "lang": {"id": "eng"}},
                    {"title": "x", "type": {"id": "other"}},
                    {"title": "No type"},
                ]
            ),
        ),
        (
            "additional-descriptions",
            with_md(
                additional_descriptions=[
                    {"description": "<p>m</p><thead>", "type": {"id": "methods"}},
                    {"description": "<img src=x>", "type": {"id": "notes"}},
                    {"description": "ok ok"},
                ]
            ),
        ),
        ("rights-both", with_md(rights=[{"id": "mit", "title": {"en": "MIT"}}])),
        ("rights-neither", with_md(rights=[{"description": {"en": "d"}}])),
        (
            "rights-custom",
            with_md(
                rights=[{"title": {"en": "Custom"}, "description": {"en": "d"}, "link": "https://x.org/l"}]
            ),
        ),
        ("rights-bad-link", with_md(rights=[{"title": {"en": "Custom"}, "link": "not a url"}])),
        ("rights-locale", with_md(rights=[{"title": {"de": "Frei"}}, {"title": {"en": "a", "fr": "b"}}])),
        ("rights-title-string", with_md(rights=[{"title": "Custom"}])),
        ("rights-icon", with_md(rights=[{"id": "mit", "icon": "x"}])),
        ("copyright", with_md(copyright="<p>© 2024 <b>Me</b></p>")),
        ("copyright-empty-after", with_md(copyright="<img src=x>")),
        ("languages-strings", with_md(languages=["eng"])),
        (
            "dates",
            with_md(
                dates=[
                    {"date": "2020-05-01T10:00:00", "type": {"id": "created"}},
                    {"date": "bad", "type": {"id": "valid"}},
                    {"date": "2020"},
                ]
            ),
        ),
        ("version-long", with_md(version="v" * 192)),
        ("version-number", with_md(version=1.0)),
        (
            "identifiers-dup",
            with_md(identifiers=[{"identifier": "10.1234/a"}, {"identifier": "doi:10.1234/a"}]),
        ),
        ("related-no-relation", with_md(related_identifiers=[{"identifier": "10.1234/a"}])),
        (
            "related-resource-type",
            with_md(
                related_identifiers=[
                    {
                        "identifier": "10.1234/a",
                        "relation_type": {"id": "cites"},
                        "resource_type": {"id": "software"},
                    }
                ]
            ),
        ),
        (
            "funding",
            with_md(
                funding=[
                    {"funder": {"id": "00k4n6c32"}, "award": {"id": "00k4n6c32::283595"}},
                    {
                        "funder": {"name": "Agency"},
                        "award": {
                            "number": "1",
                            "title": {"en": "T"},
                            "identifiers": [{"identifier": "https://x.org/a", "scheme": "url"}],
                        },
                    },
                ]
            ),
        ),
        (
            "funding-bad",
            with_md(
                funding=[
                    {"award": {"number": "1"}},
                    {"funder": {}},
                    {"funder": {"name": "A"}, "award": {}},
                    {"funder": {"name": "A", "identifiers": []}},
                    {"funder": {"name": "A"}, "award": {"title": "str"}},
                ]
            ),
        ),
        (
            "references",
            with_md(
                references=[
                    {"reference": "R"},
                    {"reference": "R2", "identifier": "10.1234/x"},
                    {"identifier": "10.1234/y"},
                    {"reference": "R3", "scheme": "doi", "identifier": "nope"},
                ]
            ),
        ),
        (
            "locations",
            with_md(
                locations={
                    "features": [
                        {"place": "Geneva"},
                        {"geometry": {"type": "Point", "coordinates": [6, 46]}},
                        {},
                        {
                            "identifiers": [
                                {"identifier": "Q72", "scheme": "wikidata"},
                                {"identifier": "2660646", "scheme": "geonames"},
                            ]
                        },
                    ]
                }
            ),
        ),
        ("locations-list", with_md(locations=[{"place": "Geneva"}])),
        ("sizes-formats", with_md(sizes=["1 MB", " "], formats=["text/csv", ""])),
        (
            "subjects",
            with_md(
                subjects=[
                    {"subject": "kw"},
                    {"id": "euroscivoc:123"},
                    {},
                    {"subject": "x", "scheme": "s", "props": {}},
                ]
            ),
        ),
        (
            "cf-thesis",
            with_cf(
                thesis__thesis={
                    "university": "<b>U</b> of X",
                    "department": "D",
                    "type": "PhD",
                    "date_submitted": "2020-05",
                    "date_defended": "2020-06-01",
                }
            ),
        ),
        (
            "cf-thesis-bad",
            with_cf(thesis__thesis={"university": "U", "date_defended": "never", "college": "C"}),
        ),
        ("cf-thesis-university", with_cf(thesis__university="U", thesis__type="PhD")),
        (
            "cf-journal",
            with_cf(
                journal__journal={
                    "title": "J",
                    "issn": "0317-8471",
                    "volume": "1",
                    "issue": "2",
                    "pages": "3",
                }
            ),
        ),
        ("cf-journal-bad-issn", with_cf(journal__journal={"title": "J", "issn": "1234-5678"})),
        (
            "cf-meeting",
            with_cf(
                meeting__meeting={
                    "title": "M",
                    "url": "https://m.org",
                    "identifiers": [{"identifier": "10.1234/m"}],
                }
            ),
        ),
        ("cf-meeting-bad-url", with_cf(meeting__meeting={"title": "M", "url": "m.org"})),
        (
            "cf-imprint",
            with_cf(
                imprint__imprint={"title": "I", "isbn": "978-3-16-148410-0", "place": "P", "edition": "2"}
            ),
        ),
        ("cf-imprint-bad-isbn", with_cf(imprint__imprint={"isbn": "123"})),
        (
            "cf-code",
            with_cf(
                code__codeRepository="https://github.com/a/b",
                code__programmingLanguage=[
                    {"id": "python"},
                    {"id": "jupyter_notebook"},
                    {"id": "objective_c"},
                ],
                code__developmentStatus={"id": "active"},
            ),
        ),
        ("cf-code-bad-url", with_cf(code__codeRepository="github.com/a/b")),
        ("cf-code-angle", with_cf(code__codeRepository="https://x.org/<a>")),
        ("cf-unknown", with_cf(foo__bar="x")),
        ("cf-not-object", {**BASE, "custom_fields": []}),
    ]
    return cases


def edge_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for i, text in enumerate(UNICODE):
        person = {"type": "personal", "family_name": text, "given_name": text}
        cases.append(
            (
                f"unicode-{i}",
                with_md(
                    title=f"T {text}",
                    publisher=text,
                    version=text,
                    creators=[{"person_or_org": person}],
                    description=text,
                    subjects=[{"subject": text}],
                ),
            )
        )
        cases.append(
            (f"unicode-cf-{i}", with_cf(journal__journal={"title": text}, meeting__meeting={"place": text}))
        )
    for i, html in enumerate(HTML):
        cases.append(
            (
                f"html-{i}",
                with_md(
                    description=html,
                    copyright=html,
                    additional_descriptions=[{"description": html, "type": {"id": "other"}}],
                ),
            )
        )
    for i, ident in enumerate(IDENTIFIERS):
        related = {**ident, "relation_type": {"id": "cites"}} if isinstance(ident, dict) else ident
        cases.append(
            (
                f"identifier-{i}",
                with_md(
                    identifiers=[ident],
                    related_identifiers=[related],
                    references=[{"reference": "r", **ident}],
                ),
            )
        )
    for i, ident in enumerate(PERSON_IDS):
        person = {"type": "personal", "family_name": "Doe", "identifiers": [ident]}
        cases.append((f"person-id-{i}", with_md(creators=[{"person_or_org": person}])))
    for i, date in enumerate(DATES):
        cases.append(
            (f"date-{i}", with_md(publication_date=date, dates=[{"date": date, "type": {"id": "other"}}]))
        )
    return cases


def generated(n: int = GENERATED, seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """``n`` random payloads mixing valid and invalid values of every field (seeded)."""
    rng = random.Random(seed)
    text = [*UNICODE, "A title", "ab", "", "x" * 200]
    out = []
    for i in range(n):
        md: dict[str, Any] = {}

        def maybe(p: float = 0.5) -> bool:
            return rng.random() < p

        if maybe(0.9):
            md["resource_type"] = rng.choice(
                [
                    {"id": "dataset"},
                    {"id": "software"},
                    {"id": "publication-article", "title": {"en": "x"}},
                    "dataset",
                    {},
                ]
            )
        if maybe(0.9):
            md["title"] = rng.choice(text)
        if maybe(0.9):
            creators = []
            for _ in range(rng.randint(0, 3)):
                if maybe(0.7):
                    po: dict[str, Any] = {
                        "type": "personal",
                        "family_name": rng.choice(text),
                        "given_name": rng.choice(text),
                    }
                else:
                    po = {"type": rng.choice(["organizational", "organisation"]), "name": rng.choice(text)}
                if maybe(0.3):
                    po["identifiers"] = [rng.choice(PERSON_IDS)]
                entry: dict[str, Any] = {"person_or_org": po}
                if maybe(0.3):
                    entry["role"] = {"id": rng.choice(ROLES)}
                if maybe(0.3):
                    entry["affiliations"] = [{"name": rng.choice(text)}]
                creators.append(entry)
            md["creators"] = creators
        if maybe(0.8):
            md["publication_date"] = rng.choice(DATES)
        if maybe(0.7):
            md["publisher"] = rng.choice(["Zenodo", *text])
        if maybe(0.6):
            md["description"] = rng.choice(HTML + text)
        if maybe(0.3):
            md["additional_descriptions"] = [
                {
                    "description": rng.choice(HTML),
                    "type": {"id": rng.choice(["notes", "methods", "abstract"])},
                }
            ]
        if maybe(0.3):
            md["rights"] = [
                rng.choice(
                    [
                        {"id": rng.choice(LICENSES)},
                        {"title": {"en": rng.choice(text)}},
                        {"id": "mit", "title": {"en": "x"}},
                        {},
                    ]
                )
            ]
        if maybe(0.3):
            md["languages"] = [{"id": rng.choice(LANGS)} for _ in range(rng.randint(1, 2))]
        if maybe(0.3):
            md["related_identifiers"] = [
                {**rng.choice(IDENTIFIERS[:23]), "relation_type": {"id": rng.choice(RELATIONS)}}
            ]
        if maybe(0.3):
            md["identifiers"] = [rng.choice(IDENTIFIERS) for _ in range(rng.randint(1, 2))]
        if maybe(0.3):
            md["dates"] = [
                {"date": rng.choice(DATES), "type": {"id": rng.choice(["created", "collected", "valid"])}}
            ]
        if maybe(0.2):
            md["version"] = rng.choice(["1.0", "v" * 192, *text])
        if maybe(0.2):
            md["subjects"] = [{"subject": rng.choice(text)}]
        if maybe(0.2):
            md["sizes"] = [rng.choice(["1 MB", "", " "])]
        if maybe(0.1):
            md[rng.choice(["keywords", "notes", "thesis:university"])] = "legacy"
        body: dict[str, Any] = {"metadata": md, "access": {"record": "public", "files": "public"}}
        if maybe(0.4):
            cf: dict[str, Any] = {}
            if maybe():
                cf["journal:journal"] = {
                    "title": rng.choice(text),
                    "issn": rng.choice(["0317-8471", "1234-5678", ""]),
                }
            if maybe():
                cf["thesis:thesis"] = {"university": rng.choice(text), "date_defended": rng.choice(DATES)}
            if maybe():
                cf["code:programmingLanguage"] = [
                    {"id": rng.choice(["python", "r", "julia", "jupyter_notebook"])}
                ]
            if maybe():
                cf["code:codeRepository"] = rng.choice(["https://github.com/a/b", "github.com/a/b"])
            if maybe(0.2):
                cf["thesis:university"] = rng.choice(text)
            body["custom_fields"] = cf
        out.append((f"generated-{i}", body))
    return out


def corpus() -> list[tuple[str, dict[str, Any]]]:
    return client_payloads() + field_cases() + edge_cases() + generated()
