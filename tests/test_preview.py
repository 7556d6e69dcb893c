"""Markdown → Zenodo HTML (warnings with lines, sanitising) and the standalone preview page."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.describe.context import build_context
from zenodeploy.describe.filters import human_size, md_escape
from zenodeploy.describe.markdown import markdown_to_html
from zenodeploy.describe.page import preview_page
from zenodeploy.describe.render import render_description
from zenodeploy.describe.sanitize import ALLOWED_TAGS, sanitize_html
from zenodeploy.model import Description, LocalFile, Sample

MD5 = "9e107d9d372bb6826bd81d3542a419d6"


def nmr_example(base: Path) -> tuple[dict[str, Any], list[LocalFile], Description]:
    """A 2-sample NMR deposition rendered with builtin:nmr-study (shared with the browser test)."""

    def lf(name: str, size: int, sample: str | None = None, packed: tuple[str, ...] = ()) -> LocalFile:
        return LocalFile(name=name, source=base / name, size=size, md5=MD5, packed_from=packed, sample=sample)

    aspirin = Sample(
        "aspirin",
        base / "compounds" / "aspirin",
        {
            "molecular_formula": "C9H8O4",
            "molecular_weight": 180.16,
            "cas": "50-78-2",
            "physical": {"melting_point": "135 °C"},
        },
        (lf("spectra/aspirin_1H.jdx", 52_000, "aspirin"), lf("spectra/aspirin_13C.jdx", 61_000, "aspirin")),
    )
    caffeine = Sample(
        "caffeine",
        base / "compounds" / "caffeine",
        {"mf": "C8H10N4O2"},
        (lf("caffeine-ir.jdx", 9_000, "caffeine"),),
    )
    metadata: dict[str, Any] = {
        "title": "Spectra of two compounds",
        "license": "cc-by-4.0",
        "resource_type": "dataset",
        "publication_date": "2024-05-01",
        "version": "1.0.0",
        "publisher": "Zenodo",
        "keywords": ["NMR", "IR"],
        "creators": [
            {"family": "Doe", "given": "Jane", "orcid": "0000-0002-1825-0097", "affiliations": ["Uni X"]},
            {"name": "Lab of Things", "type": "organizational"},
        ],
        "contributors": [{"family": "Roe", "given": "Rick", "role": "datacurator"}],
        "related_identifiers": [{"identifier": "10.1234/paper.5", "relation": "IsSupplementTo"}],
    }
    files = [
        lf("aspirin.zip", 113_500, "aspirin", ("spectra/aspirin_1H.jdx", "spectra/aspirin_13C.jdx")),
        lf("caffeine.zip", 9_300, "caffeine", ("caffeine-ir.jdx",)),
        lf("README.md", 812),
    ]
    context = build_context(
        key="nmr-study",
        metadata=metadata,
        samples=[aspirin, caffeine],
        files=files,
        vars={},
        env_names=[],
        base_dir=base,
        now=datetime(2024, 5, 2, tzinfo=timezone.utc),
    )
    description = render_description(
        {"template": "builtin:nmr-study"}, context=context, base_dir=base, where="depositions[0]"
    )
    return metadata, files, description


def test_tables_render_as_zenodo_stores_them() -> None:
    """invenio-config's default allow-list has no <thead> and no style: the header row goes into
    the one <tbody>, and the HTML is a fixed point of the server's bleach policy."""
    html, issues = markdown_to_html("| a | b |\n|--:|---|\n| 1 | 2 |\n")
    flat = html.replace("\n", "")
    assert flat == "<table><tbody><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></tbody></table>"
    assert sanitize_html(html) == html
    assert issues == ((1, "column alignment (:--:) is not kept by Zenodo; the table is shown left-aligned"),)


def test_strikethrough_is_kept_as_strike() -> None:
    html, issues = markdown_to_html("~~old~~ new\n")
    assert html == "<p><strike>old</strike> new</p>" and issues == ()


@pytest.mark.parametrize(
    ("markdown", "line", "fragment"),
    [
        (
            "text\n\n![plot](plot.png)\n",
            3,
            "image ![plot](plot.png) is removed by Zenodo; link to the image file",
        ),
        ("a\nb <img src='x.png'> c\n", 2, "<img> is removed by Zenodo; link to the image file instead"),
        (
            "one\n\n<div>\n<script>alert(1)</script>\n</div>\n",
            4,
            "<script> is removed by Zenodo and its content shown as plain text",
        ),
        ("x\n\n###### Deep\n", 3, "<h6> is removed by Zenodo"),
        ("x\n\n<h6>Deep</h6>\n", 3, "<h6> is removed by Zenodo"),
        ("x\n\ny\nz <span id='big'>s</span>\n", 4, "attribute id= on <span> is removed"),
        ("<p id='top' onclick='go()'>p</p>\n", 1, "attribute onclick= on <p> is removed"),
        ("a\n\n[x](javascript:alert(1))\n", 3, "a link to a javascript: URL is removed by Zenodo"),
        ("<table><caption>c</caption></table>\n", 1, "<caption> is removed by Zenodo"),
        (
            "<iframe src='https://e.org'></iframe>\n",
            1,
            "<iframe> is removed by Zenodo (its text is kept)",
        ),
    ],
)
def test_stripped_constructs_warn_with_their_line(markdown: str, line: int, fragment: str) -> None:
    _, issues = markdown_to_html(markdown)
    assert any(at == line and fragment in text for at, text in issues), issues


def test_clean_markdown_has_no_warnings() -> None:
    source = (
        "# Title\n\nSome *text* with a [link](https://example.org) and `code`.\n\n```python\nx = 1\n```\n"
    )
    html, issues = markdown_to_html(source)
    assert issues == ()
    assert '<a href="https://example.org">link</a>' in html


NASTY = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe><object data=x></object><embed src=x>",
    '<svg onload="alert(1)"><circle/></svg>',
    "<style>body{display:none}</style><link rel=stylesheet href=x>",
    '<div style="background:url(javascript:alert(1))" class="x" id="y">d</div>',
    '<td style="color:red;width:10px">c</td>',
    "<form action=x><input name=a><button>b</button></form>",
    "<<script>script>alert(1)<</script>/script>",
    "![x](data:image/png;base64,AAAA)",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<h6>six</h6><caption>c</caption><hr><details><summary>s</summary>d</details>",
]


@pytest.mark.parametrize("markdown", NASTY)
def test_sanitised_html_keeps_only_allowed_tags_and_safe_links(markdown: str) -> None:
    for source in (markdown, f"para\n\n{markdown}\n", f"| a |\n|---|\n| {markdown} |\n", f"- {markdown}\n"):
        html, issues = markdown_to_html(source)
        tags = {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", html)}
        assert tags <= ALLOWED_TAGS, (source, html)
        assert "javascript:" not in html.lower() and "onerror" not in html and "onload" not in html
        assert not re.search(r"\s(id|style|onclick)=", html), html  # class is allowed on Zenodo
        assert sanitize_html(html) == html  # stored by Zenodo exactly as sent
        assert issues, f"no warning for {source!r}"


def test_md_escape_keeps_table_cells_intact() -> None:
    cell = md_escape("x|y *z* <b>\nnext")
    html, _ = markdown_to_html(f"| a |\n|---|\n| {cell} |\n")
    assert "<td>x|y *z* &lt;b&gt; next</td>" in html


def test_human_size() -> None:
    assert [human_size(n) for n in (0, 999, 1000, 1_234_567, 5 * 10**9)] == [
        "0 Bytes",
        "999 Bytes",
        "1.0 kB",
        "1.2 MB",
        "5.0 GB",
    ]


def test_preview_page_is_standalone_and_shows_everything(tmp_path: Path) -> None:
    metadata, files, description = nmr_example(tmp_path)
    page = preview_page(title="Spectra <of> two", description=description, metadata=metadata, files=files)
    assert page.startswith("<!DOCTYPE html>")
    assert "Spectra &lt;of&gt; two" in page  # titles are escaped
    assert "<td>Molecular formula</td>" in page and "C9H8O4" in page  # the compound table
    assert 'class="files" id="files"' in page and "aspirin.zip" in page and f"md5:{MD5}" in page
    assert "113.5 kB" in page  # human-readable size
    assert "https://orcid.org/0000-0002-1825-0097" in page and "Data curator" in page
    assert "Creative Commons Attribution 4.0 International" in page
    assert "DOI assigned on publication" in page
    # no external assets: every URL is a link target, none is loaded by the page
    assert not re.search(r"<(link|script|img)\b", page) and "@import" not in page and "url(" not in page


def test_preview_page_lists_warnings_and_doi(tmp_path: Path) -> None:
    description = render_description(
        "Intro\n\n![fig](fig.png)\n",
        context={},
        base_dir=tmp_path,
        where="depositions[0]",
        source_file="m.yaml",
    )
    page = preview_page(
        title="T", description=description, metadata={"creators": []}, files=[], doi="10.5281/zenodo.42"
    )
    assert "Removed by Zenodo" in page and "line 3: image ![fig](fig.png) is removed" in page
    assert 'href="https://doi.org/10.5281/zenodo.42"' in page


def test_badges_follow_the_state_and_funding_and_communities_are_shown() -> None:
    metadata = {
        "creators": [{"family": "Doe"}],
        "publication_date": "2024-05-01",
        "communities": ["chemistry"],
        "funding": [
            {
                "funder": "00k4n6c32",
                "award": {"number": "101000001", "title": "Big <Grant>", "url": "https://x.eu/1"},
            },
            {"funder": {"name": "Wellcome"}, "award": "00k4n6c32::101000000"},
            {"funder": "NSF", "award": {"number": "9", "url": "javascript:alert(1)"}},
        ],
    }
    draft = preview_page(title="T", description=None, metadata=metadata, files=[])
    assert "Not published yet" in draft and "Published 2024-05-01" not in draft
    assert "<li>chemistry</li>" in draft and "Asked to include it when it is published" in draft
    assert '<th>00k4n6c32</th><td><a href="https://x.eu/1">101000001 · Big &lt;Grant&gt;</a></td>' in draft
    assert "<th>Wellcome</th><td>00k4n6c32::101000000</td>" in draft
    assert "<th>NSF</th><td>9</td>" in draft and "javascript:" not in draft
    published = preview_page(title="T", description=None, metadata=metadata, files=[], doi="10.5281/zenodo.4")
    assert "Published 2024-05-01" in published and "Not published yet" not in published
    assert "Asked to include it" not in published and "<li>chemistry</li>" in published


def test_without_a_publication_date_the_preview_shows_the_day_apply_would_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2031, 3, 4, tzinfo=timezone.utc).timestamp())))
    page = preview_page(title="T", description=None, metadata={"creators": [{"family": "Doe"}]}, files=[])
    assert "<th>Publication date</th><td>2031-03-04 (the day it is applied)</td>" in page
    assert "Doe (2031)." in page and "n.d." not in page


def test_a_marked_section_in_html_is_a_warning_not_a_crash() -> None:
    html, issues = markdown_to_html("<div>\n<![logo](logo.png)\n</div>\n")
    assert html == "<div>\n</div>"
    assert issues == (
        (
            1,
            "'<![' inside HTML starts a marked section, which Zenodo drops with the text after it; write &lt;![ to show it as text",
        ),
    )
