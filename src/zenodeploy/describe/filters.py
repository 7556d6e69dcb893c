"""Helpers that description templates call (and the preview page uses): names, links, sizes, titles."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies


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
