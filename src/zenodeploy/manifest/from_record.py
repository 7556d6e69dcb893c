"""A server's record → a deposition entry in the manifest's own terms: the inverse of ``metadata.to_rdm``.

Each field is translated when the manifest has a way to say it; whether the translation gives
back exactly what the server holds is checked by the caller (``to_rdm`` of the entry compared
with the record), and a field that does not is left to the server (``keep_on_server``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest.metadata import DEFAULT_PUBLISHER, OWNED

# Record fields with a manifest counterpart (metadata names, and ``section.name`` for the others).
MAPPED = frozenset(
    {
        "title",
        "description",
        "resource_type",
        "publication_date",
        "version",
        "publisher",
        "creators",
        *OWNED["metadata"],
        *(f"custom_fields.{name}" for name in OWNED["custom_fields"]),
    }
)
_JINJA = re.compile(r"\{[{%#]")
_PARAGRAPHS = re.compile(r"^<p>(.*?)</p>$", re.S)


def entry_for(record: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest fields (no key, no files) that describe ``record`` (a record's JSON)."""
    md = _obj(record.get("metadata"))
    out: dict[str, Any] = {}
    if md.get("title"):
        out["title"] = md["title"]
    if md.get("resource_type"):
        out["resource_type"] = _obj(md["resource_type"]).get("id")
    for name in ("publication_date", "version"):
        if md.get(name):
            out[name] = str(md[name])
    if md.get("publisher") and md["publisher"] != DEFAULT_PUBLISHER:
        out["publisher"] = md["publisher"]
    out["creators"] = [_person(p) for p in md.get("creators") or []]
    if md.get("contributors"):
        out["contributors"] = [_person(p) for p in md["contributors"]]
    if md.get("description"):
        out["description"] = description(str(md["description"]))
    for item in md.get("additional_descriptions") or []:
        kind = {"notes": "notes", "methods": "method"}.get(str(_obj(item.get("type")).get("id")))
        if kind and kind not in out:
            out[kind] = _paragraph_text(str(item.get("description", "")))
    _rights(md.get("rights") or [], out)
    _subjects(md.get("subjects") or [], out)
    if md.get("languages"):
        out["languages"] = [_obj(lang).get("id") for lang in md["languages"]]
    if md.get("related_identifiers"):
        out["related_identifiers"] = [_related(r) for r in md["related_identifiers"]]
    if md.get("funding"):
        out["funding"] = [_funding(f) for f in md["funding"]]
    if md.get("references"):
        out["references"] = [_reference(r) for r in md["references"]]
    if md.get("dates"):
        out["dates"] = [_date(d) for d in md["dates"]]
    features = _obj(md.get("locations")).get("features") or []
    if features:
        out["locations"] = [_location(f) for f in features]
    access = _access(_obj(record.get("access")))
    if access:
        out["access"] = access
    out.update(_custom_fields(_obj(record.get("custom_fields"))))
    return out


def unmapped(record: Mapping[str, Any]) -> list[str]:
    """The record's fields the manifest has no words for (they stay as the server has them)."""
    md = _obj(record.get("metadata"))
    names = [k for k, v in md.items() if v not in (None, "", [], {}) and k not in MAPPED]
    names += [
        f"custom_fields.{k}"
        for k, v in _obj(record.get("custom_fields")).items()
        if v not in (None, "", [], {}) and f"custom_fields.{k}" not in MAPPED
    ]
    return sorted(names)


def lossy(record: Mapping[str, Any]) -> set[str]:
    """Fields whose translation would drop a part the comparison does not look at (a creator's
    GND id, a second ORCID): a later save would lose it, so they are left to the server."""
    md = _obj(record.get("metadata"))
    out = set()
    for name in ("creators", "contributors"):
        for person in md.get(name) or []:
            schemes = [
                str(_obj(i).get("scheme"))
                for i in _obj(_obj(person).get("person_or_org")).get("identifiers") or []
            ]
            if any(s not in ("orcid", "ror") for s in schemes) or len(schemes) != len(set(schemes)):
                out.add(name)
    return out


def description(html: str) -> str:
    """The stored HTML as the manifest's Markdown: raw HTML passes through Markdown unchanged;
    Jinja delimiters are kept literal."""
    return "{% raw %}" + html + "{% endraw %}" if _JINJA.search(html) else html


def _paragraph_text(html: str) -> str:
    """``<p>a</p><p>b</p>`` → ``a\\n\\nb`` (notes and methods are given as paragraphs)."""
    parts = re.split(r"</p>\s*<p>", html.strip())
    whole = _PARAGRAPHS.match("</p><p>".join(parts))
    if whole is None:
        return html
    return "\n\n".join(p.strip() for p in re.split(r"</p>\s*<p>", whole[1]))


def _person(p: Mapping[str, Any]) -> dict[str, Any]:
    po = _obj(p.get("person_or_org"))
    out: dict[str, Any] = {}
    if po.get("type") == "organizational":
        out["name"] = po.get("name", "")
    else:
        out["family"] = po.get("family_name") or po.get("name", "")
        if po.get("given_name"):
            out["given"] = po["given_name"]
    for ident in po.get("identifiers") or []:
        scheme = str(_obj(ident).get("scheme", ""))
        if scheme in ("orcid", "ror"):
            out[scheme] = ident.get("identifier")
    affiliations = [
        {"ror": a["id"]} if a.get("id") else a.get("name", "") for a in p.get("affiliations") or []
    ]
    if affiliations:
        out["affiliations"] = affiliations
    role = _obj(p.get("role")).get("id")
    if role:
        out["role"] = role
    return out


def _rights(rights: list[Any], out: dict[str, Any]) -> None:
    ids = [_obj(r).get("id") for r in rights]
    if ids and all(ids):
        if len(ids) == 1:
            out["license"] = ids[0]
        else:
            out["licenses"] = ids


def _subjects(subjects: list[Any], out: dict[str, Any]) -> None:
    free = [s for s in subjects if not s.get("id")]
    ids = [s for s in subjects if s.get("id")]
    if subjects[: len(free)] == free:  # keywords first, as to_rdm sends them
        if free:
            out["keywords"] = [s.get("subject", "") for s in free]
        if ids:
            out["subjects"] = [s["id"] for s in ids]
    else:
        out["subjects"] = [s["id"] if s.get("id") else {"subject": s.get("subject", "")} for s in subjects]


def _related(r: Mapping[str, Any]) -> dict[str, Any]:
    relation = str(_obj(r.get("relation_type")).get("id") or "")
    named = vocabularies.entries("relation_types").get(relation, {}).get("datacite")
    out: dict[str, Any] = {"identifier": r.get("identifier"), "relation": named or relation}
    if r.get("scheme"):
        out["scheme"] = r["scheme"]
    kind = _obj(r.get("resource_type")).get("id")
    if kind:
        out["resource_type"] = kind
    return out


def _funding(f: Mapping[str, Any]) -> dict[str, Any]:
    funder = _obj(f.get("funder"))
    out: dict[str, Any] = {"funder": funder["id"] if funder.get("id") else {"name": funder.get("name", "")}}
    award = _obj(f.get("award"))
    if award.get("id"):
        out["award"] = award["id"]
    elif award:
        custom: dict[str, Any] = {}
        if award.get("number"):
            custom["number"] = award["number"]
        title = _obj(award.get("title"))
        if title.get("en"):
            custom["title"] = title["en"]
        url = [i.get("identifier") for i in award.get("identifiers") or [] if _obj(i).get("scheme") == "url"]
        if url:
            custom["url"] = url[0]
        out["award"] = custom
    return out


def _reference(r: Mapping[str, Any]) -> Any:
    if set(r) <= {"reference"}:
        return r.get("reference", "")
    return {k: r[k] for k in ("reference", "identifier", "scheme") if r.get(k)}


def _date(d: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"date": str(d.get("date", "")), "type": _obj(d.get("type")).get("id")}
    if d.get("description"):
        out["description"] = d["description"]
    return out


def _location(f: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"place": f.get("place", "")}
    if f.get("description"):
        out["description"] = f["description"]
    geometry = _obj(f.get("geometry"))
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) == 2:
        out["lat"], out["lon"] = coordinates[1], coordinates[0]
    return out


def _access(access: Mapping[str, Any]) -> dict[str, Any]:
    embargo = _obj(access.get("embargo"))
    if embargo.get("active") and embargo.get("until"):
        return {
            "embargo": {"until": str(embargo["until"])}
            | ({"reason": embargo["reason"]} if embargo.get("reason") else {})
        }
    return {"files": "restricted"} if access.get("files") == "restricted" else {}


def _custom_fields(cf: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in (
        ("journal", "journal:journal"),
        ("meeting", "meeting:meeting"),
        ("imprint", "imprint:imprint"),
        ("thesis", "thesis:thesis"),
    ):
        if cf.get(field):
            out[name] = dict(cf[field])
    software: dict[str, Any] = {}
    if cf.get("code:codeRepository"):
        software["repository"] = cf["code:codeRepository"]
    languages = [_obj(x).get("id") for x in cf.get("code:programmingLanguage") or []]
    if languages:
        software["language"] = languages if len(languages) > 1 else languages[0]
    status = _obj(cf.get("code:developmentStatus")).get("id")
    if status:
        software["status"] = status
    if software:
        out["software"] = software
    return out


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
