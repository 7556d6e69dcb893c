"""A CITATION.cff's ``preferred-citation`` and ``references`` → the manifest's references: a
Zenodo reference is one line of text and one identifier (invenio-rdm-records:
services/schemas/metadata.py, ReferenceSchema), so each is written as a citation with its DOI,
and every key the citation does not show is named in a warning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zenodeploy.manifest import identifiers, untaken
from zenodeploy.manifest.sourcenotes import Notes
from zenodeploy.manifest.yamlpos import PathT

_NAMES = ("family-names", "given-names", "name-particle", "name-suffix", "name")
_PLAIN_TYPES = ("", "article", "generic", "book")  # need no "[type]" after the title
_LINKED = ("identifiers", "url", "type")  # of the preferred citation: a related identifier too


def references(cff: Mapping[str, Any], notes: Notes, *, creators_cited: bool = False) -> list[Any]:
    """``preferred-citation`` and ``references`` as formatted references (with their DOI);
    ``creators_cited``: the preferred citation's authors are the creators (their keys are
    reported there)."""
    out: list[Any] = []
    entries: list[tuple[PathT, Any]] = [(("preferred-citation",), cff.get("preferred-citation"))]
    if not isinstance(cff.get("references") or [], list):
        notes.warn("references", ("references",), "references must be a list; not taken")
    listed = cff.get("references")
    entries += [(("references", i), r) for i, r in enumerate(listed if isinstance(listed, list) else [])]
    seen: list[tuple[PathT, Any, tuple[str, ...]]] = []
    for path, entry in entries:
        if entry is None:
            continue
        if not isinstance(entry, Mapping) or not entry.get("title"):
            notes.warn("references", path, "a reference without a title is not taken")
            continue
        text, used = format_reference(entry)
        doi = str(entry.get("doi") or "").strip()
        out.append(
            {"reference": text, "identifier": identifiers.normalize("doi", doi), "scheme": "doi"}
            if doi
            else text
        )
        seen.append((path, entry, (*used, "doi", *(_LINKED if len(path) == 1 else ()))))
        people = enumerate(_listed(entry.get("authors")) if len(path) > 1 or not creators_cited else [])
        seen += [((*path, "authors", i), person, _NAMES) for i, person in people]
        if isinstance(entry.get("publisher"), Mapping) and "publisher" in used:
            seen.append(((*path, "publisher"), entry["publisher"], ("name",)))
    untaken.report(
        notes,
        "references",
        seen,
        lambda key: f"a Zenodo reference is one line of text and an identifier, and the line has no {key}",
    )
    return out


def format_reference(entry: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """``Family, G., Other, H. (2024). Title (version 2) [software]. Journal, 10(2), 3–9.
    Publisher. URL`` from a CFF reference, and the keys the text shows."""
    used = ["title"]
    names = []
    for person in _listed(entry.get("authors")):
        if isinstance(person, Mapping):
            family = " ".join(
                str(person[k]) for k in ("name-particle", "family-names", "name-suffix") if person.get(k)
            )
            given = str(person.get("given-names") or "")
            names.append(
                f"{family}, {given[:1]}." if family and given else family or str(person.get("name") or "")
            )
    used += ["authors"] if names else []
    date_key = next((k for k in ("year", "date-published", "date-released") if entry.get(k)), None)
    year = str(entry[date_key])[:4] if date_key else ""
    used += [date_key] if date_key else []
    parts = [", ".join(n for n in names if n)] if names else []
    parts += [f"({year})."] if year else []
    title = " ".join(str(entry["title"]).split())
    if entry.get("version"):
        title += f" (version {entry['version']})"
        used.append("version")
    kind = str(entry.get("type") or "")
    title += "" if kind in _PLAIN_TYPES else f" [{kind}]"
    used += ["type"]
    parts.append(f"{title}.")
    venue_key = next((k for k in ("journal", "collection-title") if entry.get(k)), None)
    pages = "–".join(str(entry[k]) for k in ("start", "end") if entry.get(k))
    if venue_key:
        volume = f", {entry['volume']}" if entry.get("volume") else ""
        issue = f"({entry['issue']})" if entry.get("issue") else ""
        parts.append(f"{entry[venue_key]}{volume}{issue}{', ' + pages if pages else ''}.")
        used += [venue_key, "volume", "issue", "start", "end"]
    publisher = entry.get("publisher")
    publisher = publisher.get("name") if isinstance(publisher, Mapping) else publisher
    if publisher:
        parts.append(f"{publisher}.")
        used.append("publisher")
    if entry.get("url"):
        parts.append(str(entry["url"]))
        used.append("url")
    return " ".join(p for p in parts if p), tuple(used)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
