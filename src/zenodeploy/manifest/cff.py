"""CITATION.cff (format 1.2) → manifest metadata. Every key with a Zenodo counterpart is taken;
the others, and values that cannot be taken, become notes located in the file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest import cff_cite, cff_refs, people, untaken
from zenodeploy.manifest.checks import edtf_problem
from zenodeploy.manifest.sourcenotes import (
    Notes,
    description,
    jinja_safe,
    license_id,
    license_problem,
    text_items,
)

DEFAULT_RELATION = "IsSupplementTo"
_FORMAT_KEYS = {"cff-version", "message"}  # about the file itself, nothing to take
_NO_COUNTERPART = {"commit", "date-released", "license-url"}
_PERSON_TAKEN = {
    "family-names",
    "given-names",
    "name-particle",
    "name-suffix",
    "name",
    "orcid",
    "affiliation",
}


def map_cff(cff: Any) -> tuple[dict[str, Any], Notes]:
    """Manifest metadata for the CITATION.cff mapping ``cff``, and what could not be taken."""
    notes = Notes()
    out: dict[str, Any] = {}
    if not isinstance(cff, Mapping):
        notes.error(None, (), "a CITATION.cff must be a YAML mapping (cff-version, title, authors, …)")
        return out, notes
    for key, field in (("title", "title"), ("version", "version")):
        if cff.get(key) not in (None, ""):
            out[field] = jinja_safe(str(cff[key]).strip())
    if isinstance(cff.get("abstract"), str) and cff["abstract"].strip():
        out["description"] = description(cff["abstract"])
    _date(cff, out, notes)
    _type(cff, out, notes)
    creators = person_list(cff, "authors", notes, "creators")
    cited = not creators and isinstance(cff.get("preferred-citation"), Mapping)
    if cited:
        creators = person_list(
            cff["preferred-citation"], "authors", notes, "creators", ("preferred-citation",)
        )
        if creators:
            notes.warn(
                "creators",
                ("preferred-citation", "authors"),
                "no top-level 'authors'; the preferred citation's authors are taken",
            )
    if creators:
        out["creators"] = creators
    if contacts := person_list(cff, "contact", notes, "contributors"):
        out["contributors"] = [c | {"role": "contactperson"} for c in contacts]
    if keywords := text_items(cff, "keywords", notes, "keywords"):
        out["keywords"] = keywords
    _licenses(cff, out, notes)
    related = cff_refs.related(cff, notes, DEFAULT_RELATION)
    if related:
        out["related_identifiers"] = related
    if references := cff_cite.references(cff, notes, creators_cited=cited):
        out["references"] = references
    known = (
        set(cff_refs.KEYS)
        | _FORMAT_KEYS
        | _NO_COUNTERPART
        | {"title", "version", "abstract", "type", "authors", "contact", "keywords", "license"}
    )
    for key in cff:
        if key == "commit":
            notes.warn(None, (key,), "'commit' has no Zenodo counterpart; not taken")
        elif key not in known:
            notes.warn(None, (key,), f"'{key}' has no Zenodo counterpart in the manifest; not taken")
    return out, notes


def _date(cff: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> None:
    value = cff.get("date-released")
    if value in (None, ""):
        return
    text = str(value).strip()
    fixed = _unambiguous_date(text)
    if fixed and fixed != text:
        notes.warn(
            "publication_date",
            ("date-released",),
            f"date-released '{text}' is not YYYY-MM-DD; read as {fixed}",
        )
        text = fixed
    if problem := edtf_problem(text):
        notes.error(
            "publication_date", ("date-released",), f"date-released {problem}; write it as YYYY-MM-DD"
        )
    else:
        out["publication_date"] = text


def _unambiguous_date(text: str) -> str | None:
    """``2023-12-7`` → ``2023-12-07``; ``DD-MM-YYYY`` or ``MM-DD-YYYY`` when only one reading exists."""
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text):
        first, second = int(m[1]), int(m[2])
        if first == second or first > 12 or second > 12:
            day, month = (first, second) if first > 12 or first == second else (second, first)
            return f"{m[3]}-{month:02d}-{day:02d}"
    return None


def _type(cff: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> None:
    """CFF 1.2's ``type`` is software or dataset; absent, it is software (the schema's default)."""
    kind = cff.get("type")
    if kind in (None, ""):
        out["resource_type"] = "software"
        return
    found = vocabularies.resource_type_alias(str(kind))
    if found:
        out["resource_type"] = found
    else:
        notes.error("resource_type", ("type",), f"type '{kind}' is neither software nor dataset")


def person_list(
    cff: Mapping[str, Any], key: str, notes: Notes, field: str, base: tuple[str | int, ...] = ()
) -> list[dict[str, Any]]:
    """The people under ``key``; a malformed entry is an error note and is left out, not the others."""
    entries = cff.get(key)
    if entries in (None, []):
        return []
    if not isinstance(entries, list):
        notes.error(field, (*base, key), f"'{key}' must be a list of persons or entities")
        return []
    out = []
    for i, entry in enumerate(entries):
        path = (*base, key, i)
        person = creator(entry, path, notes, field)
        if person is not None:
            out.append(person)
    untaken.report(
        notes,
        field,
        (((*base, key, i), e, _PERSON_TAKEN) for i, e in enumerate(entries)),
        lambda k: people.not_taken(k, field, "a CFF 1.2 person or entity"),
    )
    return out


def creator(author: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> dict[str, Any] | None:
    """One CFF person (``family-names``…) or entity (``name``) → a manifest creator."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    if not isinstance(author, Mapping):
        notes.error(
            field, path, f"{where} is not a mapping (family-names, given-names or name); it is left out"
        )
        return None
    family = " ".join(
        str(author[k]).strip() for k in ("name-particle", "family-names", "name-suffix") if author.get(k)
    )
    given = str(author.get("given-names") or "").strip()
    out: dict[str, Any]
    if family and author.get("name"):
        notes.warn(field, (*path, "name"), "name is not taken: family-names already name this person")
    if family and not given and people.looks_like_organisation(family):
        out = {"name": family, "type": "organizational"}
        notes.warn(
            field,
            (*path, "family-names"),
            f"'{family}' has only family-names and reads as an organisation; taken as one (write it as name: in the file)",
        )
    elif family:
        out = {"family": family, "type": "personal"}
        if given:
            out["given"] = given
        else:
            notes.warn(
                field,
                (*path, "family-names"),
                f"'{family}' has only family-names; taken as a person's family name. "
                "For an organisation write it as name:",
            )
    elif author.get("name"):
        name = " ".join(str(author["name"]).split())
        if "," in name:  # "Family, Given" written as an entity's name
            out, guess = people.from_name(name)
            if guess:
                notes.warn(field, (*path, "name"), guess)
        else:
            out = {"name": name, "type": "organizational"}
            if not people.looks_like_organisation(name):
                notes.warn(
                    field,
                    (*path, "name"),
                    f"'{name}' is given as name: (an entity); taken as an organisation. "
                    "For a person write family-names and given-names",
                )
    else:
        notes.error(
            field, path, f"{where} has neither family-names (a person) nor name (an entity); it is left out"
        )
        return None
    orcid, problem, fatal = people.orcid(author.get("orcid"))
    if problem:
        (notes.error if fatal else notes.warn)(field, (*path, "orcid"), problem)
    elif orcid:  # an organisation may have one too (PersonOrOrganizationSchema takes either's schemes)
        out["orcid"] = orcid
    affiliation = author.get("affiliation")
    names = (
        [affiliation]
        if isinstance(affiliation, str)
        else affiliation
        if isinstance(affiliation, list)
        else []
    )
    if affiliations := [str(a).strip() for a in names if str(a).strip()]:
        out["affiliations"] = list(dict.fromkeys(affiliations))
    return out


def _licenses(cff: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> None:
    found = cff.get("license")
    values = [found] if isinstance(found, str) else list(found) if isinstance(found, list) else []
    ids = []
    for i, value in enumerate(values):
        lid = license_id(value)
        if lid:
            ids.append(lid)
        else:
            notes.error(
                "licenses",
                ("license", i) if isinstance(found, list) else ("license",),
                license_problem(value),
            )
    url = cff.get("license-url")
    if url and not values:
        lid = license_id(str(url))
        if lid:
            ids.append(lid)
        else:
            notes.error(
                "licenses",
                ("license-url",),
                f"license-url '{url}' matches no licence in Zenodo's vocabulary; give 'license' (an SPDX id) in the file or the manifest",
            )
    elif url:
        notes.warn(
            "licenses", ("license-url",), "license-url is not taken: 'license' already names the licence"
        )
    if ids:
        out["licenses"] = list(dict.fromkeys(ids))
