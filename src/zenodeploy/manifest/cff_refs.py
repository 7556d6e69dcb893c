"""The links of a CITATION.cff: ``doi``, ``identifiers``, ``url``, the repositories and the
preferred citation's identifiers → related identifiers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest import identifiers, untaken
from zenodeploy.manifest.sourcenotes import Notes
from zenodeploy.manifest.yamlpos import PathT

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
    _identifiers(links, _listed(cff.get("identifiers")), ("identifiers",), None)
    links.add(cff.get("repository-code"), ("repository-code",), "url", "software")
    links.add(cff.get("repository-artifact"), ("repository-artifact",), "url", "software")
    links.add(cff.get("repository"), ("repository",), "url")
    links.add(cff.get("url"), ("url",), "url")
    preferred = cff.get("preferred-citation")
    if isinstance(preferred, Mapping):
        rtype = vocabularies.resource_type_alias(str(preferred.get("type") or "")) or "publication"
        before = len(links.out)
        links.add(preferred.get("doi"), ("preferred-citation", "doi"), "doi", rtype)
        _identifiers(
            links, _listed(preferred.get("identifiers")), ("preferred-citation", "identifiers"), rtype
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


def _identifiers(links: _Links, entries: list[Any], base: PathT, rtype: str | None) -> None:
    """CFF ``identifiers`` (type doi, url, swh or other; value; description) → links."""
    for i, entry in enumerate(entries):
        path = (*base, i)
        if not isinstance(entry, Mapping):
            links.notes.error(_FIELD, path, "an identifier needs type and value")
            continue
        kind, value = str(entry.get("type") or ""), entry.get("value")
        if kind in ("doi", "url"):
            links.add(value, path, kind, rtype)
        elif kind == "swh":  # not an InvenioRDM scheme: link to the archive page instead
            links.add(f"https://archive.softwareheritage.org/{value}", path, "url", rtype)
        else:
            links.notes.warn(
                _FIELD, path, f"identifier type '{kind}' ({value}) has no Zenodo scheme; not taken"
            )
    untaken.report(
        links.notes,
        _FIELD,
        (((*base, i), e, ("type", "value")) for i, e in enumerate(entries)),
        lambda k: (
            "Zenodo's related identifiers have no description"
            if k == "description"
            else "not a key of a CFF 1.2 identifier (misspelt?)"
        ),
    )


def _listed(value: Any) -> list[Any]:
    """``value`` when it is a list, else no items (a wrong type is reported by the caller)."""
    return value if isinstance(value, list) else []
