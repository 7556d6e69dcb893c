"""Manifest metadata → the InvenioRDM record JSON Zenodo accepts, and the normal form used to compare.

The request shape follows ``invenio_rdm_records`` (``metadata``, ``access``, ``custom_fields``);
Zenodo's custom field names (``journal:journal``, ``meeting:meeting``,
``imprint:imprint``, ``thesis:thesis``, ``code:*``) are those Zenodo configures (zenodo-rdm: ``site/zenodo_rdm/custom_fields.py``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from zenodeploy.describe.sanitize import fix_text, sanitize_html
from zenodeploy.manifest import identifiers
from zenodeploy.manifest.checks import normalize_orcid, programming_language, vocab_id

DEFAULT_PUBLISHER = "Zenodo"


def to_rdm(dep: Mapping[str, Any], description_html: str | None) -> dict[str, Any]:
    """The request body for one deposition (no ids, no files list): ``{metadata, access, custom_fields, files}``."""
    md: dict[str, Any] = {}
    if dep.get("resource_type"):
        md["resource_type"] = {"id": dep["resource_type"]}
    for field in ("title", "publication_date", "version"):
        if dep.get(field) is not None:
            md[field] = str(dep[field])
    md["publisher"] = dep.get("publisher") or DEFAULT_PUBLISHER
    md["creators"] = [_person(p) for p in dep.get("creators") or []]
    if dep.get("contributors"):
        md["contributors"] = [_person(p) for p in dep["contributors"]]
    if description_html:
        md["description"] = description_html
    extra = [
        {"description": sanitize_html(_paragraphs(dep[f])), "type": {"id": kind}}
        for f, kind in (("notes", "notes"), ("method", "methods"))
        if dep.get(f)
    ]
    if extra:
        md["additional_descriptions"] = extra
    licenses = [dep["license"]] if dep.get("license") else list(dep.get("licenses") or [])
    if licenses:
        md["rights"] = [{"id": vocab_id("licenses", lic) or lic.lower()} for lic in licenses]
    subjects = [{"subject": k} for k in dep.get("keywords") or []]
    subjects += [({"id": s} if isinstance(s, str) else dict(s)) for s in dep.get("subjects") or []]
    if subjects:
        md["subjects"] = subjects
    if dep.get("languages"):
        md["languages"] = [{"id": vocab_id("languages", lang) or lang} for lang in dep["languages"]]
    if dep.get("related_identifiers"):
        md["related_identifiers"] = [_related(r) for r in dep["related_identifiers"]]
    if dep.get("funding"):
        md["funding"] = [_funding(f) for f in dep["funding"]]
    if dep.get("references"):
        md["references"] = [{"reference": r} if isinstance(r, str) else dict(r) for r in dep["references"]]
    if dep.get("dates"):
        md["dates"] = [
            {"date": str(d["date"]), "type": {"id": vocab_id("date_types", d["type"]) or d["type"]}}
            | ({"description": d["description"]} if d.get("description") else {})
            for d in dep["dates"]
        ]
    if dep.get("locations"):
        md["locations"] = {"features": [_location(loc) for loc in dep["locations"]]}
    return {
        "metadata": md,
        "access": _access(dep.get("access") or {}),
        "custom_fields": _custom_fields(dep),
        "files": {"enabled": True},
    }


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{p.strip()}</p>" for p in str(text).split("\n\n") if p.strip())


def _person(p: Mapping[str, Any]) -> dict[str, Any]:
    kind = p.get("type") or ("organizational" if "name" in p and "family" not in p else "personal")
    po: dict[str, Any] = {"type": kind}
    if kind == "personal":
        po["family_name"] = p.get("family", "")
        if p.get("given"):
            po["given_name"] = p["given"]
    else:
        po["name"] = p.get("name", "")
    ids = []
    if p.get("orcid"):
        ids.append({"scheme": "orcid", "identifier": normalize_orcid(str(p["orcid"]))})
    if p.get("ror"):
        ids.append({"scheme": "ror", "identifier": identifiers.normalize("ror", str(p["ror"]))})
    if ids:
        po["identifiers"] = ids
    out: dict[str, Any] = {"person_or_org": po}
    affiliations = [_affiliation(a) for a in p.get("affiliations") or []]
    if affiliations:
        out["affiliations"] = affiliations
    if p.get("role"):
        out["role"] = {"id": vocab_id("roles", p["role"]) or p["role"]}
    return out


def _affiliation(a: str | Mapping[str, Any]) -> dict[str, Any]:
    """A ROR affiliation is sent by id alone: the server names it from ROR whatever name is sent
    (invenio-rdm-records: ``records/api.py``, the affiliations relation), so a name of ours would
    never compare equal."""
    if isinstance(a, str):
        return {"name": a}
    if a.get("ror"):
        return {"id": identifiers.normalize("ror", str(a["ror"]))}
    return {"name": a.get("name", "")}


def _related(r: Mapping[str, Any]) -> dict[str, Any]:
    identifier = str(r["identifier"]).strip()
    scheme = (r.get("scheme") or identifiers.detect_scheme(identifier) or "url").lower()
    out: dict[str, Any] = {
        "identifier": identifiers.normalize(scheme, identifier),  # as the server stores it
        "scheme": scheme,
        "relation_type": {"id": vocab_id("relation_types", r["relation"]) or r["relation"].lower()},
    }
    if r.get("resource_type"):
        out["resource_type"] = {"id": r["resource_type"]}
    return out


def _funding(f: Mapping[str, Any]) -> dict[str, Any]:
    funder = f["funder"]
    out: dict[str, Any] = {"funder": {"id": funder} if isinstance(funder, str) else dict(funder)}
    award = f.get("award")
    if isinstance(award, str):
        out["award"] = {"id": award}
    elif isinstance(award, Mapping):
        custom: dict[str, Any] = {k: award[k] for k in ("id", "number") if award.get(k)}
        if award.get("title"):
            custom["title"] = {"en": award["title"]}
        if award.get("url"):
            custom["identifiers"] = [{"scheme": "url", "identifier": award["url"]}]
        out["award"] = custom
    return out


def _location(loc: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"place": loc["place"]}
    if loc.get("description"):
        out["description"] = loc["description"]
    if loc.get("lat") is not None and loc.get("lon") is not None:
        out["geometry"] = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    return out


def _access(access: Mapping[str, Any]) -> dict[str, Any]:
    embargo = access.get("embargo")
    files = "restricted" if embargo else access.get("files", "public")
    out: dict[str, Any] = {"record": access.get("record", "public"), "files": files}
    if embargo:
        out["embargo"] = {"active": True, "until": str(embargo["until"]), "reason": embargo.get("reason", "")}
    return out


def _custom_fields(dep: Mapping[str, Any]) -> dict[str, Any]:
    cf: dict[str, Any] = {}
    if dep.get("journal"):
        cf["journal:journal"] = dict(dep["journal"])
    if dep.get("meeting"):
        cf["meeting:meeting"] = dict(dep["meeting"])
    if dep.get("imprint"):
        cf["imprint:imprint"] = dict(dep["imprint"])
    # One nested field on Zenodo (invenio-rdm-records: contrib/thesis/custom_fields.py).
    thesis = {k: str(v) for k, v in (dep.get("thesis") or {}).items() if v}
    if thesis:
        cf["thesis:thesis"] = thesis
    software = dep.get("software") or {}
    if software.get("repository"):
        cf["code:codeRepository"] = software["repository"]
    if software.get("language"):
        langs = software["language"] if isinstance(software["language"], list) else [software["language"]]
        cf["code:programmingLanguage"] = [{"id": programming_language(str(x)) or str(x)} for x in langs]
    if software.get("status"):
        cf["code:developmentStatus"] = {"id": str(software["status"]).lower()}
    cf.update(dep.get("custom_fields") or {})
    return cf


# ---- comparison -------------------------------------------------------------------------------

MANAGED_PATHS = ("metadata", "access", "custom_fields")
# Fields the manifest owns even when it leaves them out: a field removed from the manifest is
# removed from the record. Fields Zenodo fills itself when absent (publication_date,
# resource_type, publisher) and unknown custom fields are left as the server has them.
OWNED: dict[str, frozenset[str]] = {
    "metadata": frozenset(
        {
            "version",
            "description",
            "additional_descriptions",
            "contributors",
            "rights",
            "subjects",
            "languages",
            "related_identifiers",
            "funding",
            "references",
            "dates",
            "locations",
        }
    ),
    "access": frozenset(),
    "custom_fields": frozenset(
        {
            "journal:journal",
            "meeting:meeting",
            "imprint:imprint",
            "thesis:thesis",
            "code:codeRepository",
            "code:programmingLanguage",
            "code:developmentStatus",
        }
    ),
}


def comparable(
    record: Mapping[str, Any], managed: Mapping[str, Any], kept: Collection[str] = ()
) -> dict[str, Any]:
    """``record`` (the server's) reduced to the shape of ``managed`` (ours), in a normal form.

    The server enriches what we send: vocabulary entries gain titles, people gain ``name``,
    schemes are detected, HTML is sanitised, text is fixed by ftfy (marshmallow-utils: ``marshmallow_utils/fields/sanitizedunicode.py``).
    Projecting the server's record onto the keys we set and normalising text makes an unchanged
    manifest compare equal although the two JSON documents differ. Owned fields the manifest
    leaves out compare as ``None`` (so one still on the server shows as a change). Compare
    ``comparable(remote, desired) == comparable(desired, desired)``. ``kept`` names fields
    (``rights``, ``custom_fields.NAME``) left as the server has them: never compared.
    """
    out: dict[str, Any] = {}
    for section in MANAGED_PATHS:
        want = managed.get(section) or {}
        have = record.get(section) or {}
        keys = sorted(k for k in set(want) | OWNED[section] if _label(section, k) not in kept)
        out[section] = {
            k: _project(have.get(k), want[k]) if k in want else _absent(have.get(k)) for k in keys
        }
    return out


def unowned(section: str, values: Mapping[str, Any] | None, kept: Collection[str] = ()) -> dict[str, Any]:
    """The server's fields of ``section`` that the manifest does not own, or leaves to the
    server (``kept``): carried over on a full PUT."""
    return {k: v for k, v in (values or {}).items() if k not in OWNED[section] or _label(section, k) in kept}


def _label(section: str, name: str) -> str:
    """A field's name as plans and ``keep_on_server`` spell it: ``rights``, ``custom_fields.NAME``."""
    return name if section == "metadata" else f"{section}.{name}"


def _absent(value: Any) -> Any:
    return None if value in (None, "", [], {}) else _normal(value)


def _project(have: Any, want: Any) -> Any:
    if isinstance(want, Mapping):
        if not isinstance(have, Mapping):
            return _normal(have)
        return {k: _project(have.get(k), v) for k, v in sorted(want.items())}
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return _normal(have)
        return [_project(h, w) for h, w in zip(have, want, strict=True)]
    return _normal(have)


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        return {k: _normal(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def normal_text(value: str) -> str:
    """A string as the server stores it: ftfy's ``fix_text`` of the stripped value (curly quotes,
    ligatures, full-width letters, NFC; marshmallow-utils: ``fields/sanitizedunicode.py``), with
    line ends unified and the blanks between HTML tags dropped (bleach re-serialises them)."""
    text = fix_text(value.replace("\r\n", "\n").strip())
    return re.sub(r">\s+<", "><", text)


def _text(value: str) -> str:
    return normal_text(value)
