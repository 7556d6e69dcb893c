"""Metadata validation and normalisation the way the InvenioRDM service does it.

``load_metadata`` returns what the service stores (invalid fields dropped, as marshmallow's
``valid_data`` with ``raise_errors=False``) plus ``errors`` as ``[{field, messages}]``.
Vocabulary references come back with their titles, people get ``name`` "Family, Given",
identifier schemes are detected and DOI URLs reduced to bare DOIs, the description HTML is
sanitised. Unknown vocabulary ids raise ``VocabularyError`` (a 400 at create/update, like
InvenioRDM's relation check at commit). Unknown keys inside ``metadata`` are dropped (EXCLUDE).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.describe.sanitize import sanitize_html
from zenodeploy.manifest import identifiers

Errors = list[tuple[str, str]]
MISSING = "Missing data for required field."
REQUIRED = ("resource_type", "title", "creators", "publication_date")
_EDTF = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class VocabularyError(Exception):
    """An id that is not in its vocabulary; ``str(exc)`` is InvenioRDM's message."""


def load_metadata(raw: Any) -> tuple[dict[str, Any], Errors]:
    """Validate and normalise ``raw`` metadata; returns (stored metadata, errors)."""
    errors: Errors = []
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        return {}, [("metadata", "Invalid input type.")]
    for name, loader in _FIELDS.items():
        if name not in raw or raw[name] in (None, "", []):
            if name in REQUIRED:
                errors.append((f"metadata.{name}", MISSING))
            continue
        before = len(errors)
        value = loader(raw[name], f"metadata.{name}", errors)
        if len(errors) == before:
            out[name] = value
    return out, errors


def publish_errors(metadata: dict[str, Any], has_doi_provider: bool = True) -> Errors:
    """The extra checks publishing adds: Zenodo's DataCite provider needs a publisher."""
    if has_doi_provider and not metadata.get("publisher"):
        return [("metadata.publisher", "Missing publisher field required for DOI registration.")]
    return []


def group(errors: Errors) -> list[dict[str, Any]]:
    """``[(field, message)]`` as InvenioRDM's ``[{field, messages}]``, fields in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for field, message in errors:
        grouped.setdefault(field, []).append(message)
    return [{"field": f, "messages": m} for f, m in grouped.items()]


# -- field loaders: (value, path, errors) -> normalised value ------------------------------


def _string(min_len: int = 1) -> Callable[[Any, str, Errors], Any]:
    def load(value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            errors.append((path, "Not a valid string."))
        elif len(value.strip()) < min_len:
            errors.append((path, f"Shorter than minimum length {min_len}."))
        return value

    return load


def _date(value: Any, path: str, errors: Errors) -> Any:
    parts = value.split("/") if isinstance(value, str) else []
    if not parts or len(parts) > 2 or not all(_EDTF.match(p) for p in parts):
        errors.append((path, "Please provide a valid date or interval."))
    return value


def _description(value: Any, path: str, errors: Errors) -> Any:
    if not isinstance(value, str):
        errors.append((path, "Not a valid string."))
        return value
    clean = sanitize_html(value)
    if len(clean.strip()) < 3:
        errors.append((path, "Shorter than minimum length 3."))
    return clean


def vocab_ref(name: str, value: Any, path: str, errors: Errors) -> Any:
    """``{"id": x}`` → ``{"id": x, "title": {"en": ...}}``; an unknown id raises VocabularyError."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        errors.append((f"{path}.id", MISSING))
        return value
    entry_id = value["id"]
    resource = name == "resource_types"
    known = vocabularies.depositable_resource_types() if resource else vocabularies.ids(name)
    if entry_id not in known:
        raise VocabularyError(f"Invalid value {entry_id}.")
    return {"id": entry_id, "title": {"en": vocabularies.title(name, entry_id)}}


def _vocab(name: str) -> Callable[[Any, str, Errors], Any]:
    return lambda value, path, errors: vocab_ref(name, value, path, errors)


def _list_of(item: Callable[[Any, str, Errors], Any]) -> Callable[[Any, str, Errors], Any]:
    def load(value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            errors.append((path, "Not a valid list."))
            return value
        return [item(v, f"{path}.{i}", errors) for i, v in enumerate(value)]

    return load


def _person(role_required: bool) -> Callable[[Any, str, Errors], Any]:
    def load(value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("person_or_org"), dict):
            errors.append((f"{path}.person_or_org", MISSING))
            return value
        out: dict[str, Any] = {
            "person_or_org": _person_or_org(value["person_or_org"], f"{path}.person_or_org", errors)
        }
        if value.get("role"):
            out["role"] = vocab_ref("roles", value["role"], f"{path}.role", errors)
        elif role_required:
            errors.append((f"{path}.role", MISSING))
        if value.get("affiliations"):
            out["affiliations"] = [
                {k: a[k] for k in ("id", "name") if k in a}
                for a in value["affiliations"]
                if isinstance(a, dict)
            ]
        return out

    return load


def _person_or_org(p: dict[str, Any], path: str, errors: Errors) -> dict[str, Any]:
    kind = p.get("type")
    if kind not in ("personal", "organizational"):
        errors.append(
            (f"{path}.type", MISSING if kind is None else "Must be one of: personal, organizational.")
        )
        return p
    out: dict[str, Any] = {"type": kind}
    if kind == "personal":
        family, given = (p.get("family_name") or "").strip(), (p.get("given_name") or "").strip()
        if not family:
            errors.append((f"{path}.family_name", "Family name cannot be blank."))
        out.update(given_name=given, family_name=family, name=f"{family}, {given}" if given else family)
    else:
        name = (p.get("name") or "").strip()
        if not name:
            errors.append((f"{path}.name", "Name cannot be blank."))
        out["name"] = name
    ids = []
    for i, ident in enumerate(p.get("identifiers") or []):
        ids.append(_identifier(ident, f"{path}.identifiers.{i}", errors, person=True))
    if ids:
        out["identifiers"] = ids
    return out


def _identifier(value: Any, path: str, errors: Errors, person: bool = False) -> Any:
    if not isinstance(value, dict) or not isinstance(value.get("identifier"), str):
        errors.append((f"{path}.identifier", MISSING))
        return value
    raw = value["identifier"]
    scheme = value.get("scheme") or identifiers.detect_scheme(raw)
    allowed = vocabularies.load("identifier_schemes")[
        "person_or_org_schemes" if person else "identifier_schemes"
    ]
    if scheme is None:
        errors.append((f"{path}.scheme", "Missing scheme value."))
        return value
    if scheme not in allowed:
        errors.append((f"{path}.scheme", f"Invalid scheme {scheme}."))
        return value
    if not identifiers.is_valid(scheme, raw):
        errors.append(
            (f"{path}.identifier", f"Invalid {scheme.upper()} identifier." if person else "Invalid value.")
        )
    return {
        **{k: v for k, v in value.items() if k not in ("identifier", "scheme")},
        "identifier": identifiers.normalize(scheme, raw),
        "scheme": scheme,
    }


def _related(value: Any, path: str, errors: Errors) -> Any:
    out = _identifier(value, path, errors)
    if not isinstance(value, dict) or not value.get("relation_type"):
        errors.append((f"{path}.relation_type", MISSING))
        return out
    out["relation_type"] = vocab_ref(
        "relation_types", value["relation_type"], f"{path}.relation_type", errors
    )
    if value.get("resource_type"):
        out["resource_type"] = vocab_ref(
            "resource_types", value["resource_type"], f"{path}.resource_type", errors
        )
    return out


def _right(value: Any, path: str, errors: Errors) -> Any:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        entry = vocabularies.entries("licenses").get(value["id"])
        if entry is None:
            raise VocabularyError(f"Invalid value {value['id']}.")
        right: dict[str, Any] = {"id": entry["id"], "title": {"en": entry["title"]}}
        if entry.get("description"):
            right["description"] = {"en": entry["description"]}
        right["props"] = {"url": entry.get("url", ""), "scheme": entry.get("scheme", "spdx")}
        return right
    if isinstance(value, dict) and value.get("title"):  # a custom right: title, description, link
        return {k: value[k] for k in ("title", "description", "link") if k in value}
    errors.append((f"{path}.title", MISSING))
    return value


def _typed(text_key: str, vocab: str) -> Callable[[Any, str, Errors], Any]:
    def load(value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, dict) or not value.get(text_key):
            errors.append((f"{path}.{text_key}", MISSING))
            return value
        out = dict(value)
        if text_key == "description":
            out["description"] = sanitize_html(str(value["description"]))
        if not value.get("type"):
            errors.append((f"{path}.type", MISSING))
        else:
            out["type"] = vocab_ref(vocab, value["type"], f"{path}.type", errors)
        if value.get("lang"):
            out["lang"] = vocab_ref("languages", value["lang"], f"{path}.lang", errors)
        if text_key == "date":
            _date(value["date"], f"{path}.date", errors)
        return out

    return load


def _passthrough(value: Any, path: str, errors: Errors) -> Any:
    return value


_FIELDS: dict[str, Callable[[Any, str, Errors], Any]] = {
    "resource_type": _vocab("resource_types"),
    "creators": _list_of(_person(role_required=False)),
    "title": _string(3),
    "additional_titles": _list_of(_typed("title", "title_types")),
    "publisher": _string(1),
    "publication_date": _date,
    "subjects": _passthrough,
    "contributors": _list_of(_person(role_required=True)),
    "dates": _list_of(_typed("date", "date_types")),
    "languages": _list_of(_vocab("languages")),
    "identifiers": _list_of(_identifier),
    "related_identifiers": _list_of(_related),
    "sizes": _passthrough,
    "formats": _passthrough,
    "version": _string(1),
    "rights": _list_of(_right),
    "copyright": _string(1),
    "description": _description,
    "additional_descriptions": _list_of(_typed("description", "description_types")),
    "locations": _passthrough,
    "funding": _passthrough,
    "references": _passthrough,
}
