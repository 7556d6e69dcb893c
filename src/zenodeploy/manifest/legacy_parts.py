"""The structured keys of ``.zenodo.json``: resource type, people, access, and the lists
(keywords, subjects, communities, grants, related identifiers, references, dates, locations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest import people, untaken
from zenodeploy.manifest.checks import vocab_id
from zenodeploy.manifest.funders import FUNDER_ROR
from zenodeploy.manifest.sourcenotes import Notes, text_items
from zenodeploy.manifest.yamlpos import PathT

_EC = "10.13039/501100000780"


def resource_type(data: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> set[str]:
    keys = {k for k in data if k == "upload_type" or (k.endswith("_type") and k != "resource_type")}
    upload = data.get("upload_type")
    if not upload:
        out["resource_type"] = "software"
        notes.warn(
            "resource_type",
            (),
            "has no 'upload_type'; taken as software, as Zenodo's GitHub integration does. "
            "Set resource_type in the manifest if the release is something else",
        )
        return keys
    sub = data.get(f"{upload}_type")
    sub = "dissertation" if sub == "thesis" else sub
    wanted = f"{upload}-{sub}" if sub else str(upload)
    found = vocabularies.resource_type_alias(wanted)
    if found:
        out["resource_type"] = found
    else:
        where = (f"{upload}_type",) if sub else ("upload_type",)
        notes.error(
            "resource_type",
            where,
            f"'{wanted}' is not one of Zenodo's resource types (e.g. software, dataset, publication-article)",
        )
    return keys


def people_list(data: Mapping[str, Any], key: str, notes: Notes, field: str) -> list[dict[str, Any]]:
    entries = data.get(key)
    if entries in (None, []):
        return []
    if not isinstance(entries, list):
        notes.error(field, (key,), f"{key} must be a list of {{name, affiliation, orcid}}")
        return []
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not str(entry.get("name") or "").strip():
            notes.error(field, (key, i), f"{key}[{i}] has no 'name'; it is left out, the others are taken")
            continue
        person, guess = people.from_name(str(entry["name"]))
        if guess:
            notes.warn(field, (key, i, "name"), guess)
        affiliation = str(entry.get("affiliation") or "").strip()
        if affiliation:
            person["affiliations"] = [affiliation]
        orcid, problem, fatal = people.orcid(entry.get("orcid"))
        if problem:
            (notes.error if fatal else notes.warn)(field, (key, i, "orcid"), problem)
        elif orcid:  # an organisation may have one too (PersonOrOrganizationSchema takes either's schemes)
            person["orcid"] = orcid
        if entry.get("gnd"):
            notes.warn(
                field, (key, i, "gnd"), f"GND id '{entry['gnd']}' has no manifest counterpart; not taken"
            )
        out.append(person)
    taken = ("name", "affiliation", "orcid", "gnd", *(("type",) if key == "contributors" else ()))
    why = f"a .zenodo.json {key[:-1]}, which has {', '.join(taken)}"
    untaken.report(
        notes,
        field,
        (((key, i), e, taken) for i, e in enumerate(entries)),
        lambda k: people.not_taken(k, field, why),
    )
    return out


def persons(data: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> set[str]:
    if creators := people_list(data, "creators", notes, "creators"):
        out["creators"] = creators
    contributors = people_list(data, "contributors", notes, "contributors")
    for i, (person, entry) in enumerate(zip(contributors, _named(data.get("contributors")), strict=False)):
        kind = str(entry.get("type") or "")
        role = vocab_id("roles", kind) if kind else None
        if kind and role is None:
            notes.warn(
                "contributors",
                ("contributors", i, "type"),
                f"contributor type '{kind}' is not a Zenodo role; taken as 'other'",
            )
        elif not kind:
            notes.warn("contributors", ("contributors", i), "has no 'type'; taken as role 'other'")
        person["role"] = role or "other"
    for person in people_list(data, "thesis_supervisors", notes, "contributors"):
        contributors.append(person | {"role": "supervisor"})
    if contributors:
        out["contributors"] = contributors
    return {"creators", "contributors", "thesis_supervisors"}


def _named(entries: Any) -> list[Mapping[str, Any]]:
    return [e for e in entries or [] if isinstance(e, Mapping) and str(e.get("name") or "").strip()]


def access(data: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> set[str]:
    right = str(data.get("access_right") or "open").lower()
    if right in ("restricted", "closed"):
        out["access"] = {"files": "restricted"}
    elif right == "embargoed":
        if data.get("embargo_date"):
            out["access"] = {"files": "restricted", "embargo": {"until": str(data["embargo_date"])}}
        else:
            notes.error(
                "access", ("access_right",), "access_right 'embargoed' needs an 'embargo_date' (YYYY-MM-DD)"
            )
    elif right == "open" and "access_right" in data:  # said explicitly: keep it, it is the default
        out["access"] = {"files": "public"}
    elif right != "open":
        notes.error(
            "access",
            ("access_right",),
            f"access_right '{right}' is not open, embargoed, restricted or closed",
        )
    return {"access_right", "embargo_date"}


def lists(
    data: Mapping[str, Any], out: dict[str, Any], notes: Notes, written: Mapping[PathT, str] | None = None
) -> set[str]:
    if keywords := text_items(data, "keywords", notes, "keywords", written):
        out["keywords"] = keywords
    if language := str(data.get("language") or "").strip():
        out["languages"] = [language]
    if references := text_items(data, "references", notes, "references", written):
        out["references"] = references
    for key, build in (
        ("subjects", _subject),
        ("communities", _community),
        ("grants", _grant),
        ("related_identifiers", _related),
        ("dates", _date),
        ("locations", _location),
    ):
        items = data.get(key)
        if items in (None, []):
            continue
        if not isinstance(items, list):
            notes.error(key, (key,), f"{key} must be a list")
            continue
        field = {"grants": "funding"}.get(key, key)
        built = [b for i, item in enumerate(items) if (b := build(item, (key, i), notes, field)) is not None]
        if built:
            out[field] = built
    return {
        "keywords",
        "language",
        "references",
        "subjects",
        "communities",
        "grants",
        "related_identifiers",
        "dates",
        "locations",
    }


def _subject(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    term = str(item.get("term") or "").strip() if isinstance(item, Mapping) else str(item).strip()
    if not term:
        notes.error(field, path, "a subject needs a 'term'")
        return None
    if isinstance(item, Mapping) and item.get("identifier"):
        notes.warn(
            field,
            (*path, "identifier"),
            f"subject identifier '{item['identifier']}' is not in Zenodo's subject vocabularies; the term is kept as free text",
        )
    elif isinstance(item, Mapping) and item.get("scheme"):
        notes.warn(
            field, (*path, "scheme"), "a subject scheme without an identifier names nothing; not taken"
        )
    return {"subject": term}


def _community(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    slug = item.get("identifier") if isinstance(item, Mapping) else None
    if not isinstance(slug, str) or not slug.strip():
        notes.error(field, path, 'a community needs {"identifier": "<slug>"}')
        return None
    return slug.strip()


def _grant(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    gid = str(item.get("id") or "").strip() if isinstance(item, Mapping) else ""
    if not gid:
        notes.error(field, path, "a grant needs an 'id' (<funder DOI>::<award number>)")
        return None
    funder, _, number = gid.rpartition("::") if "::" in gid else (_EC, "", gid)
    funder = funder.removeprefix("https://doi.org/")
    ror = FUNDER_ROR.get(funder)
    if ror is None:
        notes.warn(
            field,
            path,
            f"grant '{gid}': funder {funder} is not one of the funders whose awards Zenodo holds, so "
            "Zenodo's reader would not find it; not taken. "
            f"write it in the manifest as funding: [{{funder: <ROR id>, award: {{number: '{number}'}}}}]",
        )
        return None
    return {"funder": ror, "award": f"{ror}::{number}"}


def _related(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    if not isinstance(item, Mapping) or not str(item.get("identifier") or "").strip():
        notes.error(field, path, "a related identifier needs an 'identifier'")
        return None
    relation = str(item.get("relation") or "")
    found = vocab_id("relation_types", relation) or (
        "isoriginalformof" if relation.lower() == "isorignialformof" else None
    )
    if relation.lower() == "isalternateidentifier":
        notes.warn(
            field,
            (*path, "relation"),
            "isAlternateIdentifier (another id of this record) has no manifest counterpart; not taken",
        )
        return None
    if found is None:
        notes.error(
            field,
            (*path, "relation"),
            f"relation '{relation}' is not a DataCite relation (e.g. isSupplementTo, references)",
        )
        return None
    name = (
        vocabularies.entries("relation_types")[found].get("datacite") or found
    )  # IsSupplementTo, as people write it
    out: dict[str, Any] = {"identifier": str(item["identifier"]).strip(), "relation": name}
    if item.get("scheme"):
        out["scheme"] = str(item["scheme"]).lower()
    if item.get("resource_type"):
        rtype = vocabularies.resource_type_alias(str(item["resource_type"]))
        if rtype:
            out["resource_type"] = rtype
        else:
            notes.warn(
                field,
                (*path, "resource_type"),
                f"'{item['resource_type']}' is not a Zenodo resource type; not taken",
            )
    return out


def _date(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    if not isinstance(item, Mapping) or not item.get("type") or not (item.get("start") or item.get("end")):
        notes.error(field, path, "a date needs 'type' and 'start' and/or 'end'")
        return None
    start, end = str(item.get("start") or ""), str(item.get("end") or "")
    out: dict[str, Any] = {"date": f"{start}/{end}" if start and end and start != end else start or end}
    out["type"] = str(item["type"]).lower()
    if item.get("description"):
        out["description"] = str(item["description"])
    return out


def _location(item: Any, path: tuple[str | int, ...], notes: Notes, field: str) -> Any:
    if not isinstance(item, Mapping) or not item.get("place"):
        notes.error(field, path, "a location needs a 'place'")
        return None
    out: dict[str, Any] = {"place": str(item["place"])}
    for key in ("lat", "lon"):
        if isinstance(item.get(key), (int, float)):
            out[key] = item[key]
    if item.get("description"):
        out["description"] = str(item["description"])
    return out
