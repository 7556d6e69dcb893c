"""The links of a CITATION.cff: ``doi``, ``identifiers``, ``url`` and the repositories →
related identifiers; ``preferred-citation`` → a related identifier; ``references`` → references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest import identifiers
from zenodeploy.manifest.sourcenotes import Notes

KEYS = (
    "doi",
    "identifiers",
    "repository-code",
    "repository-artifact",
    "repository",
    "url",
    "preferred-citation",
    "references",
)
_ARXIV = re.compile(r"arxiv\.org/abs/([^\s?#]+)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^10\.5281/zenodo\.(0+|1234)$")
_FIELD = "related_identifiers"


class _Links:
    def __init__(self, notes: Notes, relation: str) -> None:
        self.out: list[dict[str, Any]] = []
        self.seen: set[str] = set()
        self.notes = notes
        self.relation = relation

    def add(
        self, value: Any, path: tuple[str | int, ...], scheme: str | None = None, rtype: str | None = None
    ) -> None:
        text = str(value or "").strip()
        if not text:
            return
        doi_url = scheme == "url" and identifiers.detect_scheme(text) == "doi"  # doi.org/…: the DOI
        if (scheme in (None, "doi") or doi_url) and identifiers.is_valid("doi", text):
            text, scheme = identifiers.normalize("doi", text), "doi"
            if _PLACEHOLDER.match(text.lower()):
                self.notes.warn(
                    _FIELD,
                    path,
                    f"'{text}' is a placeholder DOI (the example of the CFF and GitHub docs), not taken; write the real DOI or remove it",
                )
                return
        elif scheme == "doi":
            self.notes.error(
                _FIELD, path, f"'{text}' is not a DOI (10.<prefix>/<suffix>); correct it or remove it"
            )
            return
        if (arxiv := _ARXIV.search(text)) and scheme == "url":
            text, scheme = f"arXiv:{arxiv.group(1)}", "arxiv"
        if text.lower() in self.seen:
            return
        self.seen.add(text.lower())
        item = {
            "identifier": text,
            "scheme": scheme or identifiers.detect_scheme(text) or "url",
            "relation": self.relation,
        }
        self.out.append(item | ({"resource_type": rtype} if rtype else {}))


def related(cff: Mapping[str, Any], notes: Notes, relation: str) -> list[dict[str, Any]]:
    """Related identifiers, in the order doi, identifiers, repositories, url, preferred citation."""
    links = _Links(notes, relation)
    links.add(cff.get("doi"), ("doi",), "doi")
    if not isinstance(cff.get("identifiers") or [], list):
        notes.error(_FIELD, ("identifiers",), "identifiers must be a list of {type, value}")
    for i, entry in enumerate(_listed(cff.get("identifiers"))):
        path: tuple[str | int, ...] = ("identifiers", i)
        if not isinstance(entry, Mapping):
            notes.error(_FIELD, path, "an identifier needs type and value")
            continue
        kind, value = str(entry.get("type") or ""), entry.get("value")
        if kind in ("doi", "url"):
            links.add(value, path, kind)
        elif kind == "swh":  # not an InvenioRDM scheme: link to the archive page instead
            links.add(f"https://archive.softwareheritage.org/{value}", path, "url")
        else:
            notes.warn(_FIELD, path, f"identifier type '{kind}' ({value}) has no Zenodo scheme; not taken")
    links.add(cff.get("repository-code"), ("repository-code",), "url", "software")
    links.add(cff.get("repository-artifact"), ("repository-artifact",), "url", "software")
    links.add(cff.get("repository"), ("repository",), "url")
    links.add(cff.get("url"), ("url",), "url")
    preferred = cff.get("preferred-citation")
    if isinstance(preferred, Mapping):
        rtype = vocabularies.resource_type_alias(str(preferred.get("type") or "")) or "publication"
        before = len(links.out)
        links.add(preferred.get("doi"), ("preferred-citation", "doi"), "doi", rtype)
        for i, entry in enumerate(_listed(preferred.get("identifiers"))):
            if isinstance(entry, Mapping) and entry.get("type") in ("doi", "url"):
                links.add(
                    entry.get("value"), ("preferred-citation", "identifiers", i), str(entry["type"]), rtype
                )
        if len(links.out) == before:
            links.add(preferred.get("url"), ("preferred-citation", "url"), "url", rtype)
        if len(links.out) == before:
            notes.warn(
                _FIELD,
                ("preferred-citation",),
                "the preferred citation has no doi, identifiers or url to link; it is kept as a reference only",
            )
    return links.out


def references(cff: Mapping[str, Any], notes: Notes) -> list[Any]:
    """``preferred-citation`` and ``references`` as formatted references (with their DOI)."""
    out: list[Any] = []
    entries: list[tuple[tuple[str | int, ...], Any]] = [
        (("preferred-citation",), cff.get("preferred-citation"))
    ]
    if not isinstance(cff.get("references") or [], list):
        notes.warn("references", ("references",), "references must be a list; not taken")
    entries += [(("references", i), r) for i, r in enumerate(_listed(cff.get("references")))]
    for path, entry in entries:
        if entry is None:
            continue
        if not isinstance(entry, Mapping) or not entry.get("title"):
            notes.warn("references", path, "a reference without a title is not taken")
            continue
        text = format_reference(entry)
        doi = str(entry.get("doi") or "").strip()
        out.append(
            {"reference": text, "identifier": identifiers.normalize("doi", doi), "scheme": "doi"}
            if doi
            else text
        )
    return out


def format_reference(entry: Mapping[str, Any]) -> str:
    """``Family, G., Other, H. (2024). Title. Journal, 10(2).`` from a CFF reference."""
    names = []
    for person in _listed(entry.get("authors")):
        if isinstance(person, Mapping):
            family = " ".join(str(person[k]) for k in ("name-particle", "family-names") if person.get(k))
            given = str(person.get("given-names") or "")
            names.append(
                f"{family}, {given[:1]}." if family and given else family or str(person.get("name") or "")
            )
    year = entry.get("year") or str(entry.get("date-published") or entry.get("date-released") or "")[:4]
    parts = [", ".join(n for n in names if n)] if names else []
    parts += [f"({year})."] if year else []
    parts.append(f"{' '.join(str(entry['title']).split())}.")
    venue = entry.get("journal") or entry.get("collection-title")
    if venue:
        volume = f", {entry['volume']}" if entry.get("volume") else ""
        issue = f"({entry['issue']})" if entry.get("issue") else ""
        parts.append(f"{venue}{volume}{issue}.")
    return " ".join(p for p in parts if p)


def _listed(value: Any) -> list[Any]:
    """``value`` when it is a list, else no items (a wrong type is reported by the caller)."""
    return value if isinstance(value, list) else []
