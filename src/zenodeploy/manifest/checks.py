"""Checks the schema cannot express: ORCID check digits, EDTF dates, vocabulary ids, required fields."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest import identifiers

PathT = tuple[str | int, ...]
Problem = tuple[PathT, str]  # (path relative to the checked object, message)

_EDTF_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def orcid_is_valid(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an ORCID iD (bare or as https://orcid.org/ URL)."""
    return identifiers.is_valid("orcid", orcid.strip())


def normalize_orcid(orcid: str) -> str:
    return identifiers.normalize("orcid", orcid)


def edtf_problem(value: str) -> str | None:
    """``None`` when ``value`` is an EDTF level-0 date or interval, else what is wrong."""
    parts = value.split("/")
    if len(parts) > 2 or not all(parts):
        return f"'{value}' is not an EDTF date: use YYYY, YYYY-MM, YYYY-MM-DD or start/end"
    bounds = []
    for part in parts:
        m = _EDTF_PART.match(part)
        if not m:
            return f"'{value}' is not an EDTF date: use YYYY, YYYY-MM, YYYY-MM-DD or start/end"
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        try:
            bounds.append(dt.date(year, month, day))
        except ValueError:
            return f"'{value}' is not a real date ({part} does not exist)"
    if len(bounds) == 2 and bounds[0] > bounds[1]:
        return f"'{value}' is an interval that ends before it starts"
    return None


def _suggest(value: str, choices: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(value.lower(), sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def vocab_id(name: str, value: str) -> str | None:
    """The canonical id for ``value`` in vocabulary ``name`` (case-insensitive; DataCite names for relations)."""
    low = value.strip().lower()
    entries = vocabularies.entries(name)
    if low in entries:
        return low
    if name == "languages":
        for key, entry in entries.items():
            if entry.get("alpha_2") == low:
                return key
    return None


def unknown_language(value: str) -> str:
    """The finding for ``value``, not a language code Zenodo knows, with the code meant if any."""
    code = vocabularies.language_suggestion(value)
    if code is not None:
        hint = f"did you mean '{code}' ({vocabularies.title('languages', code)})?"
    else:
        hint = "use an ISO 639-3 code such as eng, deu or fra (all codes: https://iso639-3.sil.org)"
    return f"unknown language code '{value}'; {hint}"


def programming_language(value: str) -> str | None:
    """The id of a programming language in Zenodo's vocabulary, from its id or its name
    (``Python`` → ``python``, ``Jupyter Notebook`` → ``jupyter_notebook``), or None."""
    known = vocabularies.programming_languages()
    low = value.strip().lower()
    if low in known:
        return low
    by_title = {title.lower(): key for key, title in known.items()}
    return by_title.get(low) or (
        key if (key := re.sub(r"[^a-z0-9+#]+", "_", low).strip("_")) in known else None
    )


def _check_software(software: Mapping[str, Any]) -> Iterator[Problem]:
    languages = software.get("language")
    for i, lang in enumerate(languages if isinstance(languages, list) else [languages]):
        if isinstance(lang, str) and programming_language(lang) is None:
            path: PathT = (
                ("software", "language", i) if isinstance(languages, list) else ("software", "language")
            )
            names = frozenset(vocabularies.programming_languages().values())
            close = difflib.get_close_matches(lang, sorted(names), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield path, f"'{lang}' is not in Zenodo's programming language vocabulary{hint}"
    status = software.get("status")
    if isinstance(status, str) and status.lower() not in vocabularies.development_statuses():
        choices = vocabularies.development_statuses()
        yield ("software", "status"), f"unknown development status '{status}'{_suggest(status, choices)}"


def check_vocab(
    name: str, value: str, what: str, path: PathT, choices: frozenset[str] | None = None
) -> Iterator[Problem]:
    canonical = vocab_id(name, value)
    allowed = choices if choices is not None else vocabularies.ids(name)
    if canonical is None or canonical not in allowed:
        guess = _alias_hint(name, value, allowed) or ("" if name == "licenses" else _suggest(value, allowed))
        yield path, f"unknown {what} '{value}'{guess}"


def _alias_hint(name: str, value: str, allowed: frozenset[str]) -> str:
    """Zenodo's id for an older SPDX licence name (GPL-3.0) or a resource-type synonym (article)."""
    aliases = {
        "licenses": vocabularies.license_suggestion,
        "resource_types": vocabularies.resource_type_alias,
    }
    found = aliases[name](value) if name in aliases else None
    return f"; did you mean '{found}'?" if found in allowed else ""


def check_person(person: Mapping[str, Any], path: PathT, *, contributor: bool) -> Iterator[Problem]:
    kind = person.get("type") or (
        "organizational" if "name" in person and "family" not in person else "personal"
    )
    if kind == "personal" and not person.get("family"):
        yield (
            path,
            "a personal creator needs 'family' (and usually 'given'); for an organisation set type: organizational and 'name'",
        )
    if kind == "organizational" and not person.get("name"):
        yield path, "an organizational creator needs 'name'"
    if kind == "organizational" and ("family" in person or "given" in person):
        yield path, "an organizational creator has a 'name', not 'family'/'given'"
    orcid = person.get("orcid")
    if isinstance(orcid, str) and not orcid_is_valid(orcid):
        yield (*path, "orcid"), f"'{orcid}' has a wrong check digit; copy the ORCID iD from orcid.org"
    yield from _check_rors(person, path)
    role = person.get("role")
    if contributor and not role:
        yield path, "a contributor needs a 'role' (e.g. datacurator, supervisor, other)"
    if isinstance(role, str):
        yield from check_vocab("roles", role, "role", (*path, "role"))


def _check_rors(person: Mapping[str, Any], path: PathT) -> Iterator[Problem]:
    """A ROR id (the person's own, or an affiliation's) whose checksum is wrong names no organisation."""
    affiliations = person.get("affiliations")
    places: list[tuple[PathT, Any]] = [((*path, "ror"), person.get("ror"))]
    if isinstance(affiliations, list):
        places += [
            ((*path, "affiliations", i, "ror"), a.get("ror"))
            for i, a in enumerate(affiliations)
            if isinstance(a, Mapping)
        ]
    for where, ror in places:
        if isinstance(ror, str) and identifiers.ror_matches(ror) and not identifiers.ror_check_digits_ok(ror):
            yield (
                where,
                (
                    f"'{ror}' is not a ROR id: its last two digits are not the checksum of the rest, so it "
                    "names no organisation (a typo?); copy the id from the organisation's page on ror.org"
                ),
            )


def check_metadata(meta: Mapping[str, Any], today: dt.date) -> Iterator[Problem]:
    """Problems in one deposition's (or the defaults') metadata, as written."""
    title = meta.get("title")
    if isinstance(title, str) and len(title.strip()) < 3:
        yield ("title",), "the title must have at least 3 characters"
    rtype = meta.get("resource_type")
    if isinstance(rtype, str):
        yield from check_vocab(
            "resource_types",
            rtype,
            "resource type",
            ("resource_type",),
            vocabularies.depositable_resource_types(),
        )
    date = meta.get("publication_date")
    if isinstance(date, str) and (problem := edtf_problem(date)):
        yield ("publication_date",), problem
    if isinstance(meta.get("license"), str) and "licenses" in meta:
        yield ("licenses",), "give either 'license' or 'licenses', not both"
    licenses = [meta["license"]] if isinstance(meta.get("license"), str) else _list(meta, "licenses")
    for i, lic in enumerate(licenses):
        if isinstance(lic, str):
            path: PathT = ("license",) if "license" in meta else ("licenses", i)
            yield from check_vocab("licenses", lic, "license", path)
    for field, contributor in (("creators", False), ("contributors", True)):
        for i, person in enumerate(meta.get(field) or []):
            # {from: samples} is filled once samples are read; {from: git} stays only when the
            # history could not be read, which is an error of its own
            if isinstance(person, Mapping) and person.get("from") not in ("samples", "git"):
                yield from check_person(person, (field, i), contributor=contributor)
    for i, lang in enumerate(_list(meta, "languages")):
        if isinstance(lang, str) and vocab_id("languages", lang) is None:
            yield ("languages", i), unknown_language(lang)
    yield from _check_list(meta, "related_identifiers", _check_related)
    if isinstance(meta.get("software"), Mapping):
        yield from _check_software(meta["software"])
    yield from _check_list(meta, "dates", _check_date)
    embargo = (meta.get("access") or {}).get("embargo") if isinstance(meta.get("access"), Mapping) else None
    if isinstance(embargo, Mapping):
        until = embargo.get("until")
        try:
            day = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
        except ValueError:
            yield ("access", "embargo", "until"), f"'{until}' is not a date; use YYYY-MM-DD"
        else:
            if day <= today:
                yield (
                    ("access", "embargo", "until"),
                    f"the embargo must end in the future, not on {day.isoformat()}; once an embargo has lifted, remove the embargo block",
                )


def _list(meta: Mapping[str, Any], field: str) -> list[Any]:
    """``meta[field]`` when it is a list, else nothing to check (``{from: …}``, or a shape the
    schema reports)."""
    value = meta.get(field)
    return value if isinstance(value, list) else []


def _check_list(
    meta: Mapping[str, Any], field: str, check: Callable[[Mapping[str, Any], PathT], Iterator[Problem]]
) -> Iterator[Problem]:
    for i, item in enumerate(_list(meta, field)):
        if isinstance(item, Mapping):
            yield from check(item, (field, i))


def _check_relation(relation: str, path: PathT) -> Iterator[Problem]:
    """An unknown relation, with the close one as the manifest spells relations: DataCite's name
    (``IsSupplementTo``), not the lower-case id InvenioRDM stores."""
    if vocab_id("relation_types", relation) is None:
        entries = vocabularies.entries("relation_types")
        close = difflib.get_close_matches(relation.lower(), sorted(entries), n=1, cutoff=0.6)
        hint = f"; did you mean '{entries[close[0]].get('datacite') or close[0]}'?" if close else ""
        yield path, f"unknown relation '{relation}'{hint}"


def _check_related(item: Mapping[str, Any], path: PathT) -> Iterator[Problem]:
    relation = item.get("relation")
    if isinstance(relation, str):
        yield from _check_relation(relation, (*path, "relation"))
    rtype = item.get("resource_type")
    if isinstance(rtype, str):
        yield from check_vocab("resource_types", rtype, "resource type", (*path, "resource_type"))
    scheme = item.get("scheme")
    schemes = identifiers.RELATED_SCHEMES
    if isinstance(scheme, str) and scheme.lower() not in schemes:
        yield (*path, "scheme"), f"unknown identifier scheme '{scheme}'{_suggest(scheme, schemes)}"
        return
    identifier = item.get("identifier")
    if not isinstance(identifier, str):
        return
    found = scheme.lower() if isinstance(scheme, str) else identifiers.detect_scheme(identifier)
    if found is None:
        yield (
            (*path, "identifier"),
            f"cannot tell the scheme of '{identifier}' (Zenodo would refuse it); add scheme: (doi, url, arxiv, isbn, pmid, …)",
        )
    elif not identifiers.is_valid(found, identifier):
        yield (
            (*path, "identifier"),
            f"'{identifier}' is not a valid {found} identifier (Zenodo checks it with idutils); correct it or give the right scheme:",
        )


def _check_date(item: Mapping[str, Any], path: PathT) -> Iterator[Problem]:
    value = item.get("date")
    if isinstance(value, str) and (problem := edtf_problem(value)):
        yield (*path, "date"), problem
    dtype = item.get("type")
    if isinstance(dtype, str):
        yield from check_vocab("date_types", dtype, "date type", (*path, "type"))
