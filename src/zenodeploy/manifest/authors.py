"""Creators from the selected samples: the list item ``{from: samples}`` in ``creators``.

Only when asked: the item is replaced, in place, by the authors of the deposition's selected
samples (each sample's ``authors`` metadata, as a lab notebook export gives it from its
``Person`` nodes), in sample order, each once (by ORCID, else by name), leaving out people
already listed by hand. A person's ``family_name``/``given_name`` are used as given; a bare
``name`` written ``Family, Given`` is split at the comma, any other ``name`` becomes the family
name whole (names are not guessed apart). A valid ORCID comes along; affiliations by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zenodeploy.errors import LocatedError
from zenodeploy.manifest.checks import normalize_orcid, orcid_is_valid
from zenodeploy.model import Sample

FROM_SAMPLES = "samples"


def wants_sample_authors(person: Any) -> bool:
    return isinstance(person, Mapping) and person.get("from") == FROM_SAMPLES


def expand_sample_authors(
    data: Mapping[str, Any], samples: Sequence[Sample], where: str
) -> Mapping[str, Any]:
    """``data`` with each ``{from: samples}`` creator replaced by the samples' authors."""
    creators = data.get("creators") or []
    if not any(wants_sample_authors(c) for c in creators):
        return data
    seen = {_identity(c) for c in creators if isinstance(c, Mapping) and not wants_sample_authors(c)}
    out: list[Any] = []
    for index, creator in enumerate(creators):
        if not wants_sample_authors(creator):
            out.append(creator)
            continue
        found = [p for s in samples for p in _people(s.metadata.get("authors"))]
        if not found:
            names = ", ".join(s.name for s in samples) or "none are selected"
            raise LocatedError(
                f"`from: samples` found no authors in the selected samples ({names}); "
                "list the creators by hand, or add the authors in the lab notebook and export again.",
                path=f"{where}.creators[{index}]",
            )
        for person in found:
            if _identity(person) not in seen:
                seen.add(_identity(person))
                out.append(person)
    return {**data, "creators": out}


def _people(authors: Any) -> list[dict[str, Any]]:
    people = []
    for author in authors if isinstance(authors, list) else []:
        if not isinstance(author, Mapping):
            continue
        family, given = author.get("family_name"), author.get("given_name")
        name = author.get("name")
        if not family and isinstance(name, str) and name.strip():
            family, _, rest = name.partition(",") if "," in name else (name, "", "")
            given = given or rest.strip() or None
        if not isinstance(family, str) or not family.strip():
            continue
        person: dict[str, Any] = {"family": family.strip()}
        if isinstance(given, str) and given.strip():
            person["given"] = given.strip()
        orcid = author.get("orcid")
        if isinstance(orcid, str) and orcid_is_valid(orcid):
            person["orcid"] = normalize_orcid(orcid)
        if isinstance(author.get("affiliation"), str) and author["affiliation"]:
            person["affiliations"] = [author["affiliation"]]
        people.append(person)
    return people


def _identity(person: Mapping[str, Any]) -> tuple[str, ...]:
    orcid = person.get("orcid")
    if isinstance(orcid, str) and orcid_is_valid(orcid):
        return ("orcid", normalize_orcid(orcid))
    return (
        "name",
        str(person.get("family", person.get("name", ""))).lower(),
        str(person.get("given", "")).lower(),
    )
