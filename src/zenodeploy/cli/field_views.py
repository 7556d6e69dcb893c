"""A server-shaped field (InvenioRDM JSON) seen as the manifest spells it.

``views(label, value)`` turns one changed record field (``subjects``, ``rights``,
``custom_fields.thesis:thesis``…) into the manifest fields it comes from (``keywords`` and
``subjects``, ``license``, ``thesis``…), each in the manifest's shape: ids rather than
vocabulary entries, names rather than ``person_or_org``, text rather than HTML. Both sides of a
change go through the same view, so what the server adds (titles, names) never shows as a change.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from typing import Any

from zenodeploy import vocabularies

# Server custom fields under their manifest names (see manifest.metadata._custom_fields).
CUSTOM = {
    "journal:journal": "journal",
    "meeting:meeting": "meeting",
    "imprint:imprint": "imprint",
    "thesis:thesis": "thesis",
    "code:codeRepository": "software.repository",
    "code:programmingLanguage": "software.language",
    "code:developmentStatus": "software.status",
}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "pre", "blockquote", "table", "tr", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "figure", "section",
}  # fmt: skip


def views(label: str, value: Any) -> dict[str, Any]:
    """The manifest fields behind server field ``label`` and their values (None when unset)."""
    if label == "subjects":
        items = _items(value)
        return {
            "keywords": [str(s.get("subject", "")) for s in items if not _subject(s)] or None,
            "subjects": [_subject(s) for s in items if _subject(s)] or None,
        }
    if label == "additional_descriptions":
        items = _items(value)
        return {name: _texts(items, kind) for name, kind in (("notes", "notes"), ("method", "methods"))}
    if label.startswith("custom_fields."):
        name = label.removeprefix("custom_fields.")
        if name in CUSTOM:
            return {CUSTOM[name]: _none(_SHAPES.get(CUSTOM[name], _plain)(value))}
        return {label: value}
    shape = _SHAPES.get(label)
    return {_NAMES.get(label, label): _none(shape(value)) if shape else value}


def _subject(s: Mapping[str, Any]) -> str | None:
    """A subject from a vocabulary (by its id, or its scheme and text); None for a keyword."""
    if s.get("id"):
        return str(s["id"])
    return f"{s['scheme']}: {s.get('subject', '')}" if s.get("scheme") else None


def text_lines(html_text: str) -> list[str]:
    """The lines of rendered HTML as a reader sees them: block elements make lines, inline ones
    (``<code>``, ``<em>``, links) do not; blanks collapse except inside ``<pre>``."""
    parser = _Lines()
    parser.feed(html_text)
    parser.close()
    return [line.strip() for line in "".join(parser.parts).split("\n") if line.strip()]


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        self.pre += tag == "pre"
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        self.pre -= tag == "pre" and self.pre > 0
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    lines = text_lines(value) if "<" in value else [html.unescape(value)]
    return "\n".join(" ".join(line.split()) for line in lines) or None


def _texts(items: list[Mapping[str, Any]], kind: str) -> str | None:
    found = [i.get("description") for i in items if _id(i.get("type")) == kind]
    return _text(found[0]) if found else None


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _none(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


def _id(value: Any) -> Any:
    """A vocabulary entry by its id (the server adds titles); other values as they are."""
    if isinstance(value, Mapping):
        title = value.get("title")
        return (
            value.get("id") or (title.get("en") if isinstance(title, Mapping) else title) or value.get("name")
        )
    return value


def _ids(value: Any) -> list[Any]:
    return [_id(v) for v in value] if isinstance(value, list) else []


def _plain(value: Any) -> Any:
    return {k: v for k, v in value.items() if v not in (None, "")} if isinstance(value, Mapping) else value


def person(p: Mapping[str, Any]) -> dict[str, Any]:
    po = p.get("person_or_org") or {}
    if po.get("family_name"):
        name = ", ".join(x for x in (po["family_name"], po.get("given_name")) if x)
    else:
        name = po.get("name", "")
    out: dict[str, Any] = {"name": name}
    for ident in po.get("identifiers") or []:
        out[ident.get("scheme", "id")] = ident.get("identifier")
    if p.get("affiliations"):
        out["affiliations"] = _ids(p["affiliations"])
    if p.get("role"):
        out["role"] = _id(p["role"])
    return out


def _related(r: Mapping[str, Any]) -> dict[str, Any]:
    relation = str(_id(r.get("relation_type")) or "")
    entry = vocabularies.entries("relation_types").get(relation.lower()) or {}
    out = {"relation": entry.get("datacite", relation), "identifier": r.get("identifier")}
    out |= {"scheme": r.get("scheme")} if r.get("scheme") else {}
    return out | ({"resource_type": _id(r["resource_type"])} if r.get("resource_type") else {})


def _funding(f: Mapping[str, Any]) -> dict[str, Any]:
    award = f.get("award")
    shown = _id(award) or (award.get("number") if isinstance(award, Mapping) else None)
    return {"funder": _id(f.get("funder"))} | ({"award": shown} if shown else {})


def _date(d: Mapping[str, Any]) -> dict[str, Any]:
    out = {"date": d.get("date"), "type": _id(d.get("type"))}
    return out | ({"description": d["description"]} if d.get("description") else {})


def _location(loc: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"place": loc.get("place")}
    if loc.get("description"):
        out["description"] = loc["description"]
    point = (loc.get("geometry") or {}).get("coordinates")
    if isinstance(point, list) and len(point) == 2:
        out |= {"lat": point[1], "lon": point[0]}
    return out


def _embargo(value: Any) -> Any:
    if not isinstance(value, Mapping) or not value.get("active"):
        return None
    return {k: value[k] for k in ("until", "reason") if value.get(k)}


_NAMES = {"rights": "license", "access.embargo": "access.embargo"}
_SHAPES: dict[str, Callable[[Any], Any]] = {
    "resource_type": _id,
    "description": _text,
    "rights": _ids,
    "creators": lambda v: [person(p) for p in _items(v)],
    "contributors": lambda v: [person(p) for p in _items(v)],
    "languages": _ids,
    "related_identifiers": lambda v: [_related(r) for r in _items(v)],
    "funding": lambda v: [_funding(f) for f in _items(v)],
    "references": lambda v: [r.get("reference") if isinstance(r, Mapping) else r for r in v or []],
    "dates": lambda v: [_date(d) for d in _items(v)],
    "locations": lambda v: [_location(x) for x in _items((v or {}).get("features"))],
    "access.embargo": _embargo,
    "software.language": _ids,
    "software.status": _id,
}
