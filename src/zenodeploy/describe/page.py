"""The local preview page: a standalone HTML page laid out like a Zenodo record page."""

from __future__ import annotations

import html
import importlib.resources
from collections.abc import Mapping, Sequence
from typing import Any

from zenodeploy.describe.filters import (
    affiliation_names,
    cite_name,
    doi_url,
    human_size,
    orcid_url,
    person_name,
    vocabulary_title,
)
from zenodeploy.model import Description, LocalFile

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
        _communities_box(metadata, published=bool(doi)),
        _funding_box(metadata),
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
    if doi and metadata.get("publication_date"):  # a draft is not published on any date yet
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


def _communities_box(metadata: Mapping[str, Any], *, published: bool) -> str:
    slugs = [str(c) for c in metadata.get("communities") or []]
    if not slugs:
        return ""
    note = (
        ""
        if published
        else '<p class="note">Asked to include it when it is published (a curator decides).</p>'
    )
    items = "".join(f"<li>{_e(slug)}</li>" for slug in slugs)
    return f'<div class="box"><h2 class="section">Communities</h2><ul class="communities">{items}</ul>{note}</div>'


def _funding_box(metadata: Mapping[str, Any]) -> str:
    rows = []
    for grant in metadata.get("funding") or []:
        if not isinstance(grant, Mapping):
            continue
        funder = grant.get("funder")
        name = funder.get("name") or funder.get("id") if isinstance(funder, Mapping) else funder
        rows.append(f"<tr><th>{_e(str(name or ''))}</th><td>{_award(grant.get('award'))}</td></tr>")
    if not rows:
        return ""
    return f'<div class="box"><h2 class="section">Funding</h2><table class="meta funding">{"".join(rows)}</table></div>'


def _award(award: Any) -> str:
    if not isinstance(award, Mapping):
        return _e(str(award or ""))
    text = _e(" · ".join(str(award[k]) for k in ("number", "title", "id") if award.get(k)))
    url = str(award.get("url") or "")
    if not url.startswith(("https://", "http://")):  # no javascript: links in a page opened locally
        return text
    return f'<a href="{_e(url)}">{text or _e(url)}</a>'


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
        ("Publication date", str(metadata.get("publication_date") or f"{_today()} (the day it is applied)")),
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


def _today() -> str:
    from zenodeploy.describe.context import utc_now

    return utc_now().date().isoformat()


def _citation(title: str, metadata: Mapping[str, Any], doi: str | None) -> str:
    names = ", ".join(cite_name(c) for c in metadata.get("creators") or [])
    year = str(metadata.get("publication_date") or _today())[:4]  # apply dates it the day it runs
    version = f" (Version {_e(str(metadata['version']))})" if metadata.get("version") else ""
    kind = vocabulary_title(metadata.get("resource_type") or "dataset", "resource_types")
    link = f'<a href="{_e(doi_url(doi))}">{_e(doi_url(doi))}</a>' if doi else "DOI assigned on publication"
    publisher = _e(str(metadata.get("publisher") or "Zenodo"))
    return f"<p>{_e(names)} ({_e(year)}). <i>{_e(title)}</i>{version} [{_e(kind)}]. {publisher}. {link}</p>"
