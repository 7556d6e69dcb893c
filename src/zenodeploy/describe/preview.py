"""How a description looks on Zenodo: Markdown → sanitised HTML with warnings, and a preview page.

No Jinja here: ``render`` produces the Markdown; this module converts it with markdown-it-py
(CommonMark plus tables and strikethrough), applies Zenodo's HTML policy
(``zenodeploy.describe.sanitize``) and names every Markdown line whose content Zenodo would strip.
"""

from __future__ import annotations

import html
import importlib.resources
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt

from zenodeploy import vocabularies
from zenodeploy.describe.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CSS_PROPERTIES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    URL_SCHEMES,
    sanitize_html,
)
from zenodeploy.model import Description, LocalFile

Issue = tuple[int, str]  # (1-based Markdown line, warning text)

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# markdown-it silently turns javascript:/data: links into plain text; let them through so the
# warning below names them and the sanitiser (our single policy) removes the href.
_MD.validateLink = lambda url: True  # type: ignore[method-assign]
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def markdown_to_html(markdown: str) -> tuple[str, tuple[Issue, ...]]:
    """Convert ``markdown`` to the HTML Zenodo stores, plus ``(line, warning)`` for each construct
    the sanitiser strips (images, raw tags and attributes Zenodo drops, non-http links, ``<h6>``…).
    """
    tokens = _MD.parse(markdown)
    issues: list[Issue] = []
    line = 1
    for tok in tokens:
        if tok.map:
            line = tok.map[0] + 1
        if tok.type == "html_block":
            issues += _html_issues(tok.content, line)
        elif tok.type == "inline":
            issues += _inline_issues(tok.children or [], line)
        elif tok.nesting >= 0 and tok.tag and tok.type not in ("fence", "code_block"):
            issues += _tag_issues(tok.tag, tok.attrs, line)
    unique = tuple(dict.fromkeys(sorted(issues, key=lambda issue: issue[0])))
    return sanitize_html(_MD.renderer.render(tokens, _MD.options, {})), unique


def _inline_issues(children: Sequence[Any], line: int) -> list[Issue]:
    issues: list[Issue] = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            issues.append(
                (
                    line,
                    f"image ![{child.content}]({child.attrs.get('src', '')}) is removed by Zenodo; "
                    "link to the image file instead",
                )
            )
        elif child.type == "html_inline":
            issues += _html_issues(child.content, line)
        elif child.nesting >= 0 and child.tag:
            issues += _tag_issues(child.tag, child.attrs, line)
    return issues


def _tag_issues(tag: str, attrs: Mapping[str, Any], line: int) -> list[Issue]:
    """What the sanitiser does to one element: drop it (text kept or not), or drop attributes."""
    if tag not in ALLOWED_TAGS:
        if tag == "img":
            return [(line, "<img> is removed by Zenodo; link to the image file instead")]
        if tag in DROPPED_WITH_CONTENT:
            return [(line, f"<{tag}> is removed by Zenodo together with its content")]
        if re.fullmatch(r"h[6-9]", tag):
            return [(line, f"<{tag}> is removed by Zenodo (its text is kept); use heading levels 1 to 5")]
        if tag == "hr":
            return [(line, "<hr> (a thematic break) is removed by Zenodo; use a heading instead")]
        return [(line, f"<{tag}> is removed by Zenodo (its text is kept)")]
    issues: list[Issue] = []
    allowed = ALLOWED_ATTRIBUTES.get(tag, set())
    for name, value in attrs.items():
        if name not in allowed:
            issues.append((line, f"attribute {name}= on <{tag}> is removed by Zenodo"))
        elif name == "href":
            issues += _href_issues(str(value or ""), line)
        elif name == "style":
            for prop in re.findall(r"(?:^|;)\s*([a-zA-Z-]+)\s*:", str(value or "")):
                if prop.lower() not in ALLOWED_CSS_PROPERTIES:
                    issues.append((line, f"style property {prop} on <{tag}> is removed by Zenodo"))
    return issues


def _href_issues(href: str, line: int) -> list[Issue]:
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        return [
            (
                line,
                f"a link to a {scheme.group(1)}: URL is removed by Zenodo (it keeps http, https, mailto and ftp)",
            )
        ]
    if not scheme and href and not href.startswith(("#", "//")):
        return [(line, f"the relative link {href!r} would point into the Zenodo site; use an absolute URL")]
    return []


class _TagCollector(HTMLParser):
    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.issues: list[Issue] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.first_line + self.getpos()[0] - 1
        self.issues += _tag_issues(tag, {name: value or "" for name, value in attrs}, line)


def _html_issues(snippet: str, line: int) -> list[Issue]:
    collector = _TagCollector(line)
    collector.feed(snippet)
    collector.close()
    return collector.issues


def md_escape(value: Any) -> str:
    """Text shown literally in Markdown (table cells too): punctuation escaped, lines folded, None → ''."""
    if value is None:
        return ""
    # CommonMark lets any ASCII punctuation be backslash-escaped; these would otherwise start
    # emphasis, links, code, raw HTML or end the cell.
    text = re.sub(r"([\\`*_\[\]<>|&~])", r"\\\1", str(value))
    return " ".join(text.split())


def orcid_url(orcid: Any) -> str:
    """``https://orcid.org/XXXX-…`` from a bare ORCID or any URL form."""
    bare = re.sub(r"^(https?://)?(www\.)?orcid\.org/", "", str(orcid).strip(), flags=re.IGNORECASE)
    return f"https://orcid.org/{bare}"


def doi_url(doi: Any) -> str:
    """``https://doi.org/10.…`` from a bare DOI, ``doi:`` form or resolver URL."""
    bare = re.sub(r"^(doi:|https?://(dx\.)?doi\.org/)", "", str(doi).strip(), flags=re.IGNORECASE)
    return f"https://doi.org/{bare}"


def person_name(person: Any) -> str:
    """``Family, Given`` for a person, the ``name`` for an organisation (manifest creator shape)."""
    if not isinstance(person, Mapping):
        return str(person)
    if person.get("family"):
        given = person.get("given")
        return f"{person['family']}, {given}" if given else str(person["family"])
    return str(person.get("name") or "")


def cite_name(person: Any) -> str:
    """``Family, G.`` as in a citation (organisations keep their name)."""
    if isinstance(person, Mapping) and person.get("family"):
        initials = " ".join(f"{part[0]}." for part in str(person.get("given") or "").split() if part)
        return f"{person['family']}, {initials}" if initials else str(person["family"])
    return person_name(person)


def affiliation_names(person: Any) -> list[str]:
    """Affiliations as text: names as given, ``{ror: id}`` as its ROR URL."""
    names: list[str] = []
    raw = person.get("affiliations") or [] if isinstance(person, Mapping) else []
    for aff in raw:
        if isinstance(aff, Mapping):
            names.append(str(aff.get("name") or (f"https://ror.org/{aff['ror']}" if aff.get("ror") else "")))
        else:
            names.append(str(aff))
    return [n for n in names if n]


def vocabulary_title(entry_id: Any, vocabulary: str) -> str:
    """The English title of an id in a shipped vocabulary (``licenses``, ``resource_types``, ``roles``…)."""
    return vocabularies.title(vocabulary, str(entry_id).lower())


def human_size(size: int) -> str:
    """Decimal units as Zenodo shows them: ``532 Bytes``, ``1.2 kB``, ``3.4 GB``."""
    if size < 1000:
        return f"{size} Bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        value /= 1000
        if value < 1000 or unit == "PB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


# --- the preview page ------------------------------------------------------------------------

_e = html.escape


def preview_page(
    *,
    title: str,
    description: Description | None,
    metadata: Mapping[str, Any],
    files: Sequence[LocalFile],
    doi: str | None = None,
) -> str:
    """A standalone HTML page (inline CSS, no external assets) laid out like a Zenodo record page.

    ``metadata`` is the deposition's manifest metadata (creators, contributors, license(s),
    resource_type, publication_date, version, publisher, keywords, related_identifiers).
    ``description.html`` is already sanitised; everything else is escaped here. No description
    (None) shows an empty description box.
    """
    description = description or Description(markdown="", html="")
    css = (
        importlib.resources.files("zenodeploy.describe.templates")
        .joinpath("preview.css")
        .read_text(encoding="utf-8")
    )
    main = [
        _warnings_box(description),
        f'<div class="box">{_badges(metadata, doi)}<h1 class="title">{_e(title)}</h1>'
        f"{_people(metadata.get('creators'), roles=False)}{_people(metadata.get('contributors'), roles=True)}</div>",
        f'<div class="box description" id="description"><h2 class="section">Description</h2>{description.html}</div>',
        _files_box(files),
        _related_box(metadata),
    ]
    side = [
        f'<div class="box"><h2 class="section">Details</h2>{_doi_badge(doi)}{_meta_table(metadata)}</div>',
        f'<div class="box citation"><h2 class="section">Citation</h2>{_citation(title, metadata, doi)}</div>',
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · preview</title><style>{css}</style></head><body>"
        '<header class="topbar"><span class="brand">zenodo</span>'
        '<span class="note">Local preview by zenodeploy: the description is shown as Zenodo will store it.</span>'
        f'</header><div class="page"><main class="main">{"".join(main)}</main>'
        f'<aside class="side">{"".join(side)}</aside></div></body></html>\n'
    )


def _warnings_box(description: Description) -> str:
    if not description.warnings:
        return ""
    items = "".join(f"<li>line {w.line}: {_e(w.message)}</li>" for w in description.warnings)
    return f'<div class="box warnings"><h2 class="section">Removed by Zenodo</h2><ul>{items}</ul></div>'


def _badges(metadata: Mapping[str, Any], doi: str | None) -> str:
    parts = []
    if metadata.get("publication_date"):
        parts.append(f'<span class="badge">Published {_e(str(metadata["publication_date"]))}</span>')
    if metadata.get("version"):
        parts.append(f'<span class="badge">Version {_e(str(metadata["version"]))}</span>')
    if metadata.get("resource_type"):
        label = vocabulary_title(metadata["resource_type"], "resource_types")
        parts.append(f'<span class="badge type">{_e(label)}</span>')
    parts.append('<span class="badge access">Open</span>')
    if not doi:
        parts.append('<span class="badge draft">Not published yet</span>')
    return f'<div class="badges">{"".join(parts)}</div>'


def _people(people: Any, *, roles: bool) -> str:
    if not people:
        return ""
    affiliations: list[str] = []
    items = []
    for person in people:
        refs = []
        for aff in affiliation_names(person):
            if aff not in affiliations:
                affiliations.append(aff)
            refs.append(str(affiliations.index(aff) + 1))
        orcid = person.get("orcid") if isinstance(person, Mapping) else None
        badge = f' <a class="orcid" href="{_e(orcid_url(orcid))}" title="ORCID">iD</a>' if orcid else ""
        role = person.get("role") if roles and isinstance(person, Mapping) else None
        role_text = f' <span class="role">({_e(vocabulary_title(role, "roles"))})</span>' if role else ""
        sup = f"<sup>{','.join(refs)}</sup>" if refs else ""
        items.append(f"<li>{_e(person_name(person))}{sup}{badge}{role_text}</li>")
    heading = '<h2 class="section">Contributors</h2>' if roles else ""
    affs = "".join(f"<li value='{i}'>{_e(a)}</li>" for i, a in enumerate(affiliations, 1))
    return f'{heading}<ul class="creators">{"".join(items)}</ul><ol class="affiliations">{affs}</ol>'


def _files_box(files: Sequence[LocalFile]) -> str:
    total = human_size(sum(f.size for f in files))
    rows = []
    for f in files:
        packed = f'<div class="packed">{len(f.packed_from)} files packed</div>' if f.packed_from else ""
        rows.append(
            f"<tr><td>{_e(f.name)}{packed}</td><td class='size'>{human_size(f.size)}</td>"
            f"<td><code>md5:{_e(f.md5)}</code></td></tr>"
        )
    return (
        f'<div class="box"><h2 class="section">Files ({total})</h2><table class="files" id="files">'
        "<thead><tr><th>Name</th><th>Size</th><th>Checksum</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _related_box(metadata: Mapping[str, Any]) -> str:
    related = metadata.get("related_identifiers") or []
    if not related:
        return ""
    rows = "".join(
        f"<tr><th>{_e(str(r.get('relation', '')))}</th><td>{_e(str(r.get('identifier', '')))}"
        f"{' (' + _e(str(r['resource_type'])) + ')' if r.get('resource_type') else ''}</td></tr>"
        for r in related
        if isinstance(r, Mapping)
    )
    return f'<div class="box"><h2 class="section">Related works</h2><table class="meta">{rows}</table></div>'


def _licenses(metadata: Mapping[str, Any]) -> list[str]:
    raw = metadata.get("licenses") or ([metadata["license"]] if metadata.get("license") else [])
    return [
        vocabulary_title(item.get("id", "") if isinstance(item, Mapping) else item, "licenses")
        for item in raw
    ]


def _meta_table(metadata: Mapping[str, Any]) -> str:
    rows: list[tuple[str, str]] = [
        ("Resource type", vocabulary_title(metadata["resource_type"], "resource_types"))
        if metadata.get("resource_type")
        else ("", ""),
        ("Publisher", str(metadata.get("publisher") or "")),
        ("Publication date", str(metadata.get("publication_date") or "")),
        ("Version", str(metadata.get("version") or "")),
        ("License", "; ".join(_licenses(metadata))),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows if k and v)
    keywords = "".join(f"<span>{_e(str(k))}</span>" for k in metadata.get("keywords") or [])
    if keywords:
        body += f'<tr><th>Keywords</th><td class="keywords">{keywords}</td></tr>'
    return f'<table class="meta">{body}</table>'


def _doi_badge(doi: str | None) -> str:
    if not doi:
        return '<p class="doi"><span class="label">DOI</span><span class="value">assigned on publication</span></p>'
    return (
        f'<p><a class="doi" href="{_e(doi_url(doi))}"><span class="label">DOI</span>'
        f'<span class="value">{_e(doi)}</span></a></p>'
    )


def _citation(title: str, metadata: Mapping[str, Any], doi: str | None) -> str:
    names = ", ".join(cite_name(c) for c in metadata.get("creators") or [])
    year = str(metadata.get("publication_date") or "")[:4] or "n.d."
    version = f" (Version {_e(str(metadata['version']))})" if metadata.get("version") else ""
    kind = vocabulary_title(metadata.get("resource_type") or "dataset", "resource_types")
    link = f'<a href="{_e(doi_url(doi))}">{_e(doi_url(doi))}</a>' if doi else "DOI assigned on publication"
    publisher = _e(str(metadata.get("publisher") or "Zenodo"))
    return f"<p>{_e(names)} ({_e(year)}). <i>{_e(title)}</i>{version} [{_e(kind)}]. {publisher}. {link}</p>"
